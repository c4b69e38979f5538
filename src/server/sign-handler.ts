import { readJsonBody } from './json-body.js';
import { errorResponse, internalError, jsonResponse, methodNotAllowed } from './json-response.js';
import { presignWith } from './presign-upload.js';
import { resolveSignOptions, type PutSignOptions, type SignOptions } from './sign-options.js';
import { SignRefusal } from './sign-refusal.js';

/**
 * The sign endpoint as a fetch handler (Node's http via toNodeListener, Express, Hono,
 * Next.js route handlers, edge workers). POST `{"filename","contentType","size"}` ->
 * 200 `{ url, fields, key, expires }` (PutSignOptions: `{ url, method: 'PUT', headers, key, expires }`);
 * 400/413/415 `{ error: { code, message } }`; 405 for other methods.
 * Throws only here, at creation, for a mistake in `options`; the handler itself never throws.
 */
export function createSignHandler(options: SignOptions | PutSignOptions): (request: Request) => Promise<Response> {
  const settings = resolveSignOptions(options);
  return async (request) => {
    try {
      if (request.method !== 'POST') return methodNotAllowed(request.method);
      const body = await readJsonBody(request);
      if (!body.ok) return body.response;
      return jsonResponse(200, await presignWith(settings, body.value));
    } catch (error) {
      if (error instanceof SignRefusal) return errorResponse(error.status, error.code, error.message);
      return internalError('sign', error);
    }
  };
}
