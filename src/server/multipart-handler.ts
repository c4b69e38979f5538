import type { AcceptedUpload } from './accepted-upload.js';
import { callerResolver } from './caller.js';
import { errorResponse, jsonResponse } from './json-response.js';
import { abortUpload, completeUpload, createUpload, listParts, signPart, type BeforeCreate } from './multipart-upload.js';
import { parseMultipartRequest, type MultipartRequest } from './multipart-request.js';
import { isKeyUnder } from './object-key.js';
import { postJsonHandler } from './post-json-handler.js';
import { resolveSignOptions, type ScopedSignOptions, type SignOptions } from './sign-options.js';

/**
 * The sign handler's options, which `create` applies alike (bucket, maxSize, minSize, accept,
 * keyPrefix, authorize, beforeSign); `expiresIn` is how long each part URL stays valid. Keys are
 * always 'unique-filename': parts are PUT, and only a POSTed form has S3 fill in `${filename}`.
 */
export type MultipartOptions<Context = undefined> = Omit<SignOptions<Context>, 'method' | 'successActionStatus' | 'key'>;

/**
 * The multipart endpoint as a fetch handler: POST `{ "action", ... }` with action `create`
 * (the sign body) -> `{ uploadId, key }`; `sign-part` `{ uploadId, key, partNumber }` -> `{ url, expires }`;
 * `list-parts` `{ uploadId, key }` -> `{ parts: [{ partNumber, etag, size }] }`;
 * `complete` `{ uploadId, key, parts: [{ partNumber, etag }] }` -> `{ key, bucket, location, etag }`;
 * `abort` `{ uploadId, key }` -> `{}`.
 * 400 bad body or S3's InvalidPart/EntityTooSmall; 401/403 from `authorize` or `beforeSign`;
 * 403 `KeyNotAllowed` for a key outside the caller's keyPrefix, on every action but `create`;
 * 404 NoSuchUpload; 413/415 as the sign handler; 502 the storage failed; 405 for other methods.
 * Throws only here, at creation, for a mistake in `options`; the handler itself never throws.
 */
export function createMultipartHandler<Context = undefined>(options: MultipartOptions<Context>): (request: Request) => Promise<Response> {
  // 'PUT' is how parts travel; it also refuses a 'filename-variable' key passed in from untyped code.
  const settings = resolveSignOptions({ ...options, method: 'PUT' });
  return postJsonHandler('multipart', callerResolver(options), async (body, caller) => {
    const parsed = parseMultipartRequest(body);
    if (!parsed.ok) return errorResponse(400, 'InvalidRequest', parsed.message);
    // The uploadId alone would do for S3; the prefix keeps a caller to the keys this server gave them.
    if (parsed.data.action !== 'create' && !isKeyUnder(caller.keyPrefix, parsed.data.key)) {
      return errorResponse(403, 'KeyNotAllowed', `The key must lie under "${caller.keyPrefix}".`);
    }
    const beforeSign = (upload: AcceptedUpload) => options.beforeSign?.call(options, caller.context, upload);
    return jsonResponse(200, await run({ ...settings, keyPrefix: caller.keyPrefix }, parsed.data, beforeSign));
  });
}

async function run(settings: ScopedSignOptions, request: MultipartRequest, beforeSign: BeforeCreate): Promise<unknown> {
  switch (request.action) {
    case 'create':
      return createUpload(settings, request.announced, beforeSign);
    case 'sign-part':
      return signPart(settings, request);
    case 'list-parts':
      return { parts: await listParts(settings, request) };
    case 'complete':
      return completeUpload(settings, request);
    case 'abort':
      await abortUpload(settings, request);
      return {};
  }
}
