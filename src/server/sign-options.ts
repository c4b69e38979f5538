import type { S3Client } from '@aws-sdk/client-s3';
import type { AcceptedUpload } from './accepted-upload.js';
import type { AccessOptions } from './caller.js';
import type { KeyMode } from './object-key.js';
import { createS3Client, type StorageOptions } from './s3-client.js';

export interface SignOptions<Context = undefined> extends StorageOptions, AccessOptions<Context> {
  /** Bytes, required: larger announced files are refused, and the POST policy's content-length-range is [minSize, announced size]. */
  maxSize: number;
  /** Default 0. */
  minSize?: number;
  /** Like `<input accept>`: 'image/*,.pdf,application/json'. Default: any type. */
  accept?: string;
  /**
   * Last word before signing, with the caller's context and the accepted file (its key chosen):
   * throw a SignRefusal to refuse with your own status, code and message (quota, too many
   * pending files, a vendor's `271`...). Also runs for multipart `create`.
   */
  beforeSign?(context: Context, upload: AcceptedUpload): void | Promise<void>;
  /**
   * Default 'unique-filename': `${prefix}${uniqueId}/${sanitizedName}`.
   * 'filename-variable': `${prefix}${uniqueId}/${filename}` sent literally; S3 substitutes the uploaded file's name (POST only).
   */
  key?: KeyMode;
  /** Seconds the policy (or URL) stays valid, default 300: long enough to start an upload, short enough to be useless if leaked. */
  expiresIn?: number;
  /** Default 201, whose body tells the browser the key, ETag and location. POST only. */
  successActionStatus?: 200 | 201 | 204;
  /** Default 'POST': a presigned POST form. See PutSignOptions for presigned PUT URLs. */
  method?: 'POST';
}

/**
 * Options for presigned PUT URLs `{ url, method: 'PUT', headers, key, expires }`, for storage
 * without POST policies (Cloudflare R2, some gateways): the URL pins the Content-Type and the
 * exact announced size. No `${filename}` keys and no success status: those are POST form features.
 */
export interface PutSignOptions<Context = undefined> extends Omit<SignOptions<Context>, 'method' | 'key' | 'successActionStatus'> {
  method: 'PUT';
}

const MAX_EXPIRES_IN = 7 * 24 * 3600; // SigV4 credentials scope: S3 refuses longer policies anyway

/** Settings checked and defaulted once; a mistake here is the developer's, so it throws a TypeError. */
export interface ResolvedSignOptions {
  bucket: string;
  client: S3Client;
  minSize: number;
  maxSize: number;
  accept: string | undefined;
  key: KeyMode;
  expiresIn: number;
  successActionStatus: 200 | 201 | 204;
  method: 'POST' | 'PUT';
}

/** ResolvedSignOptions for one call: the caller's folder. */
export interface ScopedSignOptions extends ResolvedSignOptions {
  keyPrefix: string;
}

export function resolveSignOptions<Context>(options: SignOptions<Context> | PutSignOptions<Context>): ResolvedSignOptions {
  const client = createS3Client(options);
  // Read loosely: untyped callers may pass POST-only settings along with 'PUT', which is refused below.
  const { maxSize, minSize = 0, expiresIn = 300, successActionStatus = 201, key = 'unique-filename', method = 'POST' } = options as Omit<SignOptions<Context>, 'method'> & {
    method?: 'POST' | 'PUT';
  };
  if (!Number.isSafeInteger(maxSize) || maxSize < 0) fail('`maxSize` must be a whole number of bytes.');
  if (!Number.isSafeInteger(minSize) || minSize < 0 || minSize > maxSize) fail('`minSize` must be a whole number of bytes, at most `maxSize`.');
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) fail(`\`expiresIn\` must be 1 to ${MAX_EXPIRES_IN} seconds.`);
  if (![200, 201, 204].includes(successActionStatus)) fail('`successActionStatus` must be 200, 201 or 204.');
  if (key !== 'unique-filename' && key !== 'filename-variable') fail("`key` must be 'unique-filename' or 'filename-variable'.");
  if (method !== 'POST' && method !== 'PUT') fail("`method` must be 'POST' or 'PUT'.");
  // Only a POSTed form has S3 put the file's name in place of ${filename}; a PUT would store the literal.
  if (method === 'PUT' && key === 'filename-variable') fail("`key: 'filename-variable'` needs POST uploads; use 'unique-filename'.");
  if (options.beforeSign !== undefined && typeof options.beforeSign !== 'function') fail('`beforeSign` must be a function.');
  return { bucket: options.bucket, client, minSize, maxSize, accept: options.accept, key, expiresIn, successActionStatus, method };
}

function fail(message: string): never {
  throw new TypeError(`presigned-uploader/server: ${message}`);
}
