import type { Caller } from './caller.js';
import { readJsonBody } from './json-body.js';
import { errorResponse, internalError, methodNotAllowed } from './json-response.js';
import { MissingPeer } from './missing-peer.js';
import { SignRefusal } from './sign-refusal.js';
import { StorageFailure } from './storage-error.js';

/**
 * The frame of every handler, in this order: POST only (405), a JSON Content-Type (415), the
 * caller (`authorize`, 401/403), a JSON body of bounded size (400/413), then `run`. Whatever
 * throws is answered here, so the handler itself never throws: a SignRefusal with its status and
 * code, a StorageFailure 502 (cause to the log), a MissingPeer 500 `MissingDependency` (one log
 * line naming the package), anything else 500. `name` names the handler in log lines.
 */
export function postJsonHandler<Context>(
  name: string,
  resolveCaller: (request: Request) => Promise<Caller<Context>>,
  run: (body: unknown, caller: Caller<Context>) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    try {
      if (request.method !== 'POST') return methodNotAllowed(request.method);
      if (!isJson(request.headers.get('content-type'))) return jsonRequired();
      const caller = await resolveCaller(request);
      const body = await readJsonBody(request);
      if (!body.ok) return body.response;
      return await run(body.value, caller);
    } catch (error) {
      if (error instanceof SignRefusal) return errorResponse(error.status, error.code, error.message);
      if (error instanceof StorageFailure) {
        console.error(`presigned-uploader/server: ${name}: ${error.message}:`, error.cause);
        return errorResponse(502, 'StorageError', error.publicMessage);
      }
      if (error instanceof MissingPeer) {
        // One line, no stack: the fix is an install, and the line says which.
        console.error(`presigned-uploader/server: ${name}: ${error.message}`);
        return errorResponse(500, 'MissingDependency', 'The server is missing a package it needs for this kind of upload; its log names it.');
      }
      return internalError(name, error);
    }
  };
}

/**
 * `application/json`, parameters allowed. Only the three "simple" types (form, multipart, text)
 * can cross sites without a CORS preflight; insisting on JSON means another site's page cannot
 * make a browser send this request, with the user's cookies, unless CORS lets it.
 */
function isJson(contentType: string | null): boolean {
  return contentType?.split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
}

function jsonRequired(): Response {
  return errorResponse(415, 'JsonRequired', 'Send the body as JSON, with the header Content-Type: application/json.');
}
