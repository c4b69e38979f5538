import { errorResponse, jsonResponse } from './json-response.js';
import { abortUpload, completeUpload, createUpload, listParts, signPart } from './multipart-upload.js';
import { parseMultipartRequest, type MultipartRequest } from './multipart-request.js';
import { isKeyUnder } from './object-key.js';
import { postJsonHandler } from './post-json-handler.js';
import { resolveSignOptions, type ResolvedSignOptions, type SignOptions } from './sign-options.js';

/**
 * The sign handler's options, which `create` applies alike (bucket, maxSize, minSize, accept,
 * keyPrefix); `expiresIn` is how long each part URL stays valid. Keys are always
 * 'unique-filename': parts are PUT, and only a POSTed form has S3 fill in `${filename}`.
 */
export type MultipartOptions = Omit<SignOptions, 'method' | 'successActionStatus' | 'key'>;

/**
 * The multipart endpoint as a fetch handler: POST `{ "action", ... }` with action `create`
 * (the sign body) -> `{ uploadId, key }`; `sign-part` `{ uploadId, key, partNumber }` -> `{ url, expires }`;
 * `list-parts` `{ uploadId, key }` -> `{ parts: [{ partNumber, etag, size }] }`;
 * `complete` `{ uploadId, key, parts: [{ partNumber, etag }] }` -> `{ key, bucket, location, etag }`;
 * `abort` `{ uploadId, key }` -> `{}`.
 * 400 bad body or S3's InvalidPart/EntityTooSmall; 403 key outside keyPrefix;
 * 404 NoSuchUpload; 413/415 as the sign handler; 502 the storage failed; 405 for other methods.
 * Throws only here, at creation, for a mistake in `options`; the handler itself never throws.
 */
export function createMultipartHandler(options: MultipartOptions): (request: Request) => Promise<Response> {
  // 'PUT' is how parts travel; it also refuses a 'filename-variable' key passed in from untyped code.
  const settings = resolveSignOptions({ ...options, method: 'PUT' });
  return postJsonHandler('multipart', async (body) => {
    const parsed = parseMultipartRequest(body);
    if (!parsed.ok) return errorResponse(400, 'InvalidRequest', parsed.message);
    // The uploadId alone would do for S3; the prefix keeps a browser away from keys this server never hands out.
    if (parsed.data.action !== 'create' && !isKeyUnder(settings.keyPrefix, parsed.data.key)) {
      return errorResponse(403, 'KeyNotAllowed', `The key must lie under "${settings.keyPrefix}".`);
    }
    return jsonResponse(200, await run(settings, parsed.data));
  });
}

async function run(settings: ResolvedSignOptions, request: MultipartRequest): Promise<unknown> {
  switch (request.action) {
    case 'create':
      return createUpload(settings, request.announced);
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
