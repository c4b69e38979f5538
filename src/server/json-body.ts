import { errorResponse } from './json-response.js';

/** Sign and register bodies are a few hundred bytes; anything near this is not one of ours. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

type JsonBody = { ok: true; value: unknown } | { ok: false; response: Response };

/**
 * Reads a request's body as JSON, at most `limit` bytes: a fetch handler may run where no
 * server caps bodies (plain node:http, some edge runtimes), so it must not buffer whatever comes.
 */
export async function readJsonBody(request: Request, limit = MAX_JSON_BODY_BYTES): Promise<JsonBody> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > limit) return refused(requestTooLarge(limit));
  if (!request.body) return invalid('The request has no body: send a JSON object.');

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const step = await reader.read().catch(() => undefined);
    if (!step) return invalid('The request body could not be read.');
    if (step.done) break;
    size += step.value.byteLength;
    if (size > limit) {
      // Stop the sender here rather than reading (and discarding) the rest.
      await reader.cancel().catch(() => undefined);
      return refused(requestTooLarge(limit));
    }
    chunks.push(step.value);
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(concat(chunks, size));
  } catch {
    return invalid('The request body is not UTF-8 text.');
  }
  if (text.trim() === '') return invalid('The request has no body: send a JSON object.');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return invalid('The request body is not valid JSON.');
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The one 413 of the package: readJsonBody's, and toNodeListener's for a body it cuts off before the handler. */
export function requestTooLarge(limit: number): Response {
  return errorResponse(413, 'RequestTooLarge', `The request body is larger than ${limit} bytes.`);
}

function invalid(message: string): JsonBody {
  return refused(errorResponse(400, 'InvalidRequest', message));
}

function refused(response: Response): JsonBody {
  return { ok: false, response };
}
