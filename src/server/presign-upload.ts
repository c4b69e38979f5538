import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { isAccepted } from './accept-type.js';
import { normalizeContentType } from './content-type.js';
import { buildObjectKey, keyFolder, type KeyMode } from './object-key.js';
import { createS3Client, type StorageOptions } from './s3-client.js';
import { SignRefusal } from './sign-refusal.js';
import { parseUploadRequest, type UploadRequest } from './upload-request.js';

export interface SignOptions extends StorageOptions {
  /** Bytes, required: the policy's content-length-range is [minSize, maxSize]. */
  maxSize: number;
  /** Default 0. */
  minSize?: number;
  /** Like `<input accept>`: 'image/*,.pdf,application/json'. Default: any type. */
  accept?: string;
  /** Default 'uploads/'. */
  keyPrefix?: string;
  /**
   * Default 'unique-filename': `${prefix}${uniqueId}/${sanitizedName}`.
   * 'filename-variable': `${prefix}${uniqueId}/${filename}` sent literally; S3 substitutes the uploaded file's name.
   */
  key?: KeyMode;
  /** Seconds the policy stays valid, default 300: long enough to start an upload, short enough to be useless if leaked. */
  expiresIn?: number;
  /** Default 201, whose body tells the browser the key, ETag and location. */
  successActionStatus?: 200 | 201 | 204;
}

/** A sign answer: the AWS SDK `createPresignedPost` shape plus the key and the policy's expiry. */
export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
  /** The `key` field; holds `${filename}` in 'filename-variable' mode. */
  key: string;
  /** When the policy expires, ISO 8601. */
  expires: string;
}

export const DEFAULT_KEY_PREFIX = 'uploads/';
/** One policy condition; the package exports the options type only. */
type Condition = NonNullable<PresignedPostOptions['Conditions']>[number];

const MAX_EXPIRES_IN = 7 * 24 * 3600; // SigV4 credentials scope: S3 refuses longer policies anyway

/** Settings checked and defaulted once; a mistake here is the developer's, so it throws a TypeError. */
export interface ResolvedSignOptions {
  bucket: string;
  client: S3Client;
  minSize: number;
  maxSize: number;
  accept: string | undefined;
  keyPrefix: string;
  key: KeyMode;
  expiresIn: number;
  successActionStatus: 200 | 201 | 204;
}

export function resolveSignOptions(options: SignOptions, client: S3Client = createS3Client(options)): ResolvedSignOptions {
  const { maxSize, minSize = 0, expiresIn = 300, successActionStatus = 201, key = 'unique-filename' } = options;
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (!Number.isSafeInteger(maxSize) || maxSize < 0) fail('`maxSize` must be a whole number of bytes.');
  if (!Number.isSafeInteger(minSize) || minSize < 0 || minSize > maxSize) fail('`minSize` must be a whole number of bytes, at most `maxSize`.');
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) fail(`\`expiresIn\` must be 1 to ${MAX_EXPIRES_IN} seconds.`);
  if (![200, 201, 204].includes(successActionStatus)) fail('`successActionStatus` must be 200, 201 or 204.');
  if (key !== 'unique-filename' && key !== 'filename-variable') fail("`key` must be 'unique-filename' or 'filename-variable'.");
  if (typeof keyPrefix !== 'string' || keyPrefix.startsWith('/') || keyPrefix.includes('${')) {
    fail('`keyPrefix` must be a string that does not start with "/" nor contain "${".');
  }
  return { bucket: options.bucket, client, minSize, maxSize, accept: options.accept, keyPrefix, key, expiresIn, successActionStatus };
}

// presignUpload without a client in its options would otherwise build one per call.
const clients = new WeakMap<SignOptions, S3Client>();

/**
 * The sign step without the HTTP layer: checks the announced file against the options and
 * answers a presigned POST whose policy pins the size range, the exact Content-Type and the key.
 * Throws SignRefusal (400 bad request, 413 too large, 415 refused type).
 */
export async function presignUpload(options: SignOptions, request: UploadRequest): Promise<PresignedUpload> {
  let client = options.client ?? clients.get(options);
  if (!client) clients.set(options, (client = createS3Client(options)));
  return presignWith(resolveSignOptions(options, client), request);
}

/** presignUpload with options resolved once (what the sign handler calls per request). */
export async function presignWith(settings: ResolvedSignOptions, request: unknown): Promise<PresignedUpload> {
  const parsed = parseUploadRequest(request);
  if (!parsed.ok) throw new SignRefusal(400, 'InvalidRequest', parsed.message);
  const { filename, size } = parsed.data;
  const contentType = normalizeContentType(parsed.data.contentType);

  if (!isAccepted(settings.accept, contentType, filename)) {
    throw new SignRefusal(415, 'TypeNotAllowed', `Files of type ${contentType} are not accepted here (accepted: ${settings.accept}).`);
  }
  if (size > settings.maxSize) {
    throw new SignRefusal(413, 'EntityTooLarge', `The file is ${size} bytes; the limit is ${settings.maxSize} bytes.`);
  }
  if (size < settings.minSize) {
    throw new SignRefusal(400, 'EntityTooSmall', `The file is ${size} bytes; the minimum is ${settings.minSize} bytes.`);
  }

  const key = buildObjectKey(settings.keyPrefix, settings.key, filename);
  const status = String(settings.successActionStatus);
  // Every field the browser sends must be in the policy, or S3 answers 403 "Extra input fields";
  // the SDK adds an exact condition per field, the explicit list keeps the policy readable here.
  const conditions: Condition[] = [
    ['content-length-range', settings.minSize, settings.maxSize],
    { 'Content-Type': contentType },
    settings.key === 'filename-variable' ? ['starts-with', '$key', keyFolder(key)] : { key },
    { success_action_status: status },
  ];
  const post = await createPresignedPost(settings.client, {
    Bucket: settings.bucket,
    Key: key,
    Conditions: conditions,
    Fields: { 'Content-Type': contentType, success_action_status: status },
    Expires: settings.expiresIn,
  });
  return { url: post.url, fields: post.fields, key, expires: policyExpiration(post.fields) ?? fallbackExpiry(settings.expiresIn) };
}

/** The expiration S3 will enforce is the one in the signed policy; read it rather than guess it. */
function policyExpiration(fields: Record<string, string>): string | undefined {
  const policy = fields['Policy'];
  if (!policy) return undefined;
  try {
    const bytes = Uint8Array.from(atob(policy), (char) => char.charCodeAt(0));
    const { expiration } = JSON.parse(new TextDecoder().decode(bytes)) as { expiration?: unknown };
    return typeof expiration === 'string' ? new Date(expiration).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

function fallbackExpiry(expiresIn: number): string {
  return new Date(Date.now() + expiresIn * 1000).toISOString();
}

function fail(message: string): never {
  throw new TypeError(`presigned-uploader/server: ${message}`);
}
