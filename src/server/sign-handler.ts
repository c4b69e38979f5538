import { acceptUpload } from './accepted-upload.js';
import { callerResolver } from './caller.js';
import { jsonResponse } from './json-response.js';
import { postJsonHandler } from './post-json-handler.js';
import { presignAccepted } from './presign-upload.js';
import { resolveSignOptions, type PutSignOptions, type SignOptions } from './sign-options.js';

/**
 * The sign endpoint as a fetch handler (Node's http via toNodeListener, Express, Hono,
 * Next.js route handlers, edge workers). POST `{"filename","contentType","size"}` ->
 * 200 `{ url, fields, key, expires }` (PutSignOptions: `{ url, method: 'PUT', headers, key, expires }`);
 * 400/413/415 `{ error: { code, message } }`; 401/403 from `authorize` or `beforeSign`; 405 for other methods.
 * Throws only here, at creation, for a mistake in `options`; the handler itself never throws.
 */
export function createSignHandler<Context = undefined>(
  options: SignOptions<Context> | PutSignOptions<Context>,
): (request: Request) => Promise<Response> {
  const settings = resolveSignOptions(options);
  const { beforeSign } = options;
  return postJsonHandler('sign', callerResolver(options), async (body, caller) => {
    const upload = acceptUpload({ ...settings, keyPrefix: caller.keyPrefix }, body);
    await beforeSign?.call(options, caller.context, upload);
    return jsonResponse(200, await presignAccepted(settings, upload));
  });
}
