import { readJsonBody } from './json-body.js';
import { errorResponse, internalError, methodNotAllowed } from './json-response.js';
import { MissingPeer } from './missing-peer.js';
import { SignRefusal } from './sign-refusal.js';
import { StorageFailure } from './storage-error.js';

/**
 * The frame of every handler: POST only, a JSON body of bounded size, then `run` with the parsed
 * body. Whatever `run` throws is answered here, so the handler itself never throws: a SignRefusal
 * with its status and code, a StorageFailure 502 (cause to the log), a MissingPeer 500
 * `MissingDependency` (one log line naming the package), anything else 500.
 * `context` names the handler in log lines.
 */
export function postJsonHandler(context: string, run: (body: unknown) => Promise<Response>): (request: Request) => Promise<Response> {
  return async (request) => {
    try {
      if (request.method !== 'POST') return methodNotAllowed(request.method);
      const body = await readJsonBody(request);
      if (!body.ok) return body.response;
      return await run(body.value);
    } catch (error) {
      if (error instanceof SignRefusal) return errorResponse(error.status, error.code, error.message);
      if (error instanceof StorageFailure) {
        console.error(`presigned-uploader/server: ${context}: ${error.message}:`, error.cause);
        return errorResponse(502, 'StorageError', error.publicMessage);
      }
      if (error instanceof MissingPeer) {
        // One line, no stack: the fix is an install, and the line says which.
        console.error(`presigned-uploader/server: ${context}: ${error.message}`);
        return errorResponse(500, 'MissingDependency', 'The server is missing a package it needs for this kind of upload; its log names it.');
      }
      return internalError(context, error);
    }
  };
}
