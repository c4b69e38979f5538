import { jsonResponse } from './json-response.js';
import { postJsonHandler } from './post-json-handler.js';
import { presignWith } from './presign-upload.js';
import { resolveSignOptions, type PutSignOptions, type SignOptions } from './sign-options.js';

/**
 * The sign endpoint as a fetch handler (Node's http via toNodeListener, Express, Hono,
 * Next.js route handlers, edge workers). POST `{"filename","contentType","size"}` ->
 * 200 `{ url, fields, key, expires }` (PutSignOptions: `{ url, method: 'PUT', headers, key, expires }`);
 * 400/413/415 `{ error: { code, message } }`; 405 for other methods.
 * Throws only here, at creation, for a mistake in `options`; the handler itself never throws.
 */
export function createSignHandler(options: SignOptions | PutSignOptions): (request: Request) => Promise<Response> {
  const settings = resolveSignOptions(options);
  return postJsonHandler('sign', async (body) => jsonResponse(200, await presignWith(settings, body)));
}
