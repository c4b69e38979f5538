import { HeadObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { callerResolver, type AccessOptions } from './caller.js';
import { mimeEssence, normalizeContentType } from './content-type.js';
import { errorResponse, jsonResponse } from './json-response.js';
import { isKeyUnder } from './object-key.js';
import { postJsonHandler } from './post-json-handler.js';
import { parseRegisterRequest } from './register-request.js';
import { createS3Client, objectUrl, type StorageOptions } from './s3-client.js';
import { httpStatusOf, StorageFailure } from './storage-error.js';

/** An object as the storage describes it after the upload. */
export interface StoredObject {
  key: string;
  size: number;
  contentType?: string;
  /** Without the quotes S3 puts around it. */
  etag?: string;
  /** ISO 8601. */
  lastModified?: string;
  url: string;
}

/**
 * `keyPrefix` (default 'uploads/', or a function of the caller as for the sign handler): keys
 * outside it are refused (403 `KeyNotAllowed`), so a caller cannot register someone else's object.
 */
export interface RegisterOptions<Context = undefined> extends StorageOptions, AccessOptions<Context> {
  /**
   * Record the upload (database row, job queue...) for the caller `context` (from `authorize`).
   * Its return value, as JSON, is the answer; `undefined` or no hook answers the StoredObject.
   * Throw a SignRefusal to answer its status instead (a key already registered: 409).
   * `body` is the parsed request body with any extra fields the register template sent.
   */
  onRegister?(object: StoredObject, body: unknown, context: Context): unknown | Promise<unknown>;
}

/**
 * The register endpoint as a fetch handler: confirms with HeadObject that the announced object
 * exists with the announced size (and type, when sent) before anyone records it.
 * 200 the record; 400 bad body; 401/403 from `authorize`; 403 `KeyNotAllowed` key outside the
 * caller's prefix; 404 `NoSuchKey`; 409 size or type differ; 502 the storage failed; 405 for
 * other methods. The handler never throws.
 */
export function createRegisterHandler<Context = undefined>(options: RegisterOptions<Context>): (request: Request) => Promise<Response> {
  const client = createS3Client(options);
  const { bucket, onRegister } = options;

  return postJsonHandler('register', callerResolver(options), async (body, caller) => {
    const parsed = parseRegisterRequest(body);
    if (!parsed.ok) return errorResponse(400, 'InvalidRequest', parsed.message);
    const { key, size, contentType } = parsed.data;
    if (!isKeyUnder(caller.keyPrefix, key)) {
      return errorResponse(403, 'KeyNotAllowed', `The key must lie under "${caller.keyPrefix}".`);
    }

    let head: HeadObjectCommandOutput;
    try {
      head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (httpStatusOf(error) === 404) return errorResponse(404, 'NoSuchKey', `No object is stored under "${key}".`);
      // The browser cannot fix a storage failure; the log gets the cause (403 here often
      // means the server's credentials lack s3:GetObject, or s3:ListBucket for missing keys).
      throw new StorageFailure('HeadObject', 'The storage could not confirm the upload.', error);
    }

    if (head.ContentLength !== size) {
      return errorResponse(409, 'SizeMismatch', `The stored object is ${head.ContentLength ?? 'of unknown size'} bytes, not ${size}.`);
    }
    if (contentType !== undefined && mimeEssence(head.ContentType ?? '') !== mimeEssence(contentType)) {
      return errorResponse(
        409,
        'TypeMismatch',
        `The stored object is of type ${head.ContentType ?? '(none)'}, not ${normalizeContentType(contentType)}.`,
      );
    }

    const stored: StoredObject = {
      key,
      size,
      ...(head.ContentType !== undefined && { contentType: head.ContentType }),
      ...(head.ETag !== undefined && { etag: head.ETag.replace(/^(W\/)?"(.*)"$/, '$2') }),
      ...(head.LastModified !== undefined && { lastModified: head.LastModified.toISOString() }),
      url: await objectUrl(client, bucket, key),
    };
    const answer = onRegister ? await onRegister.call(options, stored, body, caller.context) : undefined;
    return jsonResponse(200, answer === undefined ? stored : answer);
  });
}
