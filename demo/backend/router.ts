// A tiny router on method + path for fetch-API handlers, with open CORS: browser end-to-end tests
// call the demo backend from their own origin, and `npm start` reaches it through Vite's proxy.

import { jsonResponse } from '../../src/server/json-response.js';
import { SignRefusal } from '../../src/server/sign-refusal.js';

export type Handler = (request: Request) => Promise<Response>;

const CORS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization, Accept, X-Demo-User',
  'Access-Control-Max-Age': '600',
  // Resource Timing tells a request's wait for a connection from its exchange only with this.
  'Timing-Allow-Origin': '*',
};

/** The error shape the element reads for non-2xx answers of the demo's own routes: `{ code, message }`. */
export function fail(status: number, code: string, message: string): Response {
  return jsonResponse(status, { code, message });
}

/** One handler for `routes` (keys like `POST /api/sign`); answers 404, 405 and CORS preflights itself. */
export function createRouter(routes: Readonly<Record<string, Handler>>): Handler {
  const table = new Map<string, Map<string, Handler>>();
  for (const [route, handler] of Object.entries(routes)) {
    const [method, path] = route.split(' ') as [string, string];
    if (!table.has(path)) table.set(path, new Map());
    table.get(path)!.set(method, handler);
  }
  return async (request) => {
    const methods = table.get(new URL(request.url).pathname);
    let response: Response;
    if (request.method === 'OPTIONS') {
      response = new Response(null, { status: methods ? 204 : 404 });
    } else if (!methods) {
      response = fail(404, 'NotFound', `No route for ${new URL(request.url).pathname}.`);
    } else {
      const handler = methods.get(request.method);
      response = handler
        ? await handler(request).catch((error: unknown) => {
            // The demo's own routes refuse like the package's handlers do (an unknown demo user).
            if (error instanceof SignRefusal) return fail(error.status, error.code, error.message);
            console.error('demo backend:', error);
            return fail(500, 'InternalError', 'The demo backend failed; see its log.');
          })
        : fail(405, 'MethodNotAllowed', `Use ${[...methods.keys()].join(' or ')}.`);
    }
    // Copied, since a Response's own headers may be immutable.
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(CORS)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

/** The JSON body as an object, or undefined when it is not a JSON object. */
export async function readObject(request: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await request.json();
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A whole number from a JSON number or a string of digits (HTML templates often send strings). */
export function wholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}
