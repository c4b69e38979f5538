import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { acceptUpload, type AcceptedUpload } from './accepted-upload.js';
import { DEFAULT_KEY_PREFIX } from './caller.js';
import { checkKeyPrefix } from './key-prefix.js';
import { keyFolder } from './object-key.js';
import { fallbackExpiry } from './presign-command.js';
import { presignPut, type PresignedPut } from './presign-put.js';
import { resolveSignOptions, type PutSignOptions, type ResolvedSignOptions, type ScopedSignOptions, type SignOptions } from './sign-options.js';
import type { UploadRequest } from './upload-request.js';

/** A sign answer: the AWS SDK `createPresignedPost` shape plus the key and the policy's expiry. */
export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
  /** The `key` field; holds `${filename}` in 'filename-variable' mode. */
  key: string;
  /** When the policy expires, ISO 8601. */
  expires: string;
}

/** One policy condition; the package exports the options type only. */
type Condition = NonNullable<PresignedPostOptions['Conditions']>[number];

// Resolved once per options object, as a handler resolves its options once at creation:
// without a client in the options, each call would otherwise build one.
const resolved = new WeakMap<object, ScopedSignOptions>();

/**
 * The sign step without the HTTP layer (no `authorize`, no `beforeSign`, a string `keyPrefix`): checks the announced file against the options and
 * answers a presigned POST whose policy pins the size range, the exact Content-Type and the key
 * (or, with `method: 'PUT'`, a presigned PUT URL that pins the Content-Type and the exact size).
 * Throws SignRefusal (400 bad request, 413 too large, 415 refused type).
 */
export async function presignUpload(options: SignOptions, request: UploadRequest): Promise<PresignedUpload>;
export async function presignUpload(options: PutSignOptions, request: UploadRequest): Promise<PresignedPut>;
export async function presignUpload(options: SignOptions | PutSignOptions, request: UploadRequest): Promise<PresignedUpload | PresignedPut>;
export async function presignUpload(options: SignOptions | PutSignOptions, request: UploadRequest): Promise<PresignedUpload | PresignedPut> {
  let settings = resolved.get(options);
  if (!settings) {
    const { keyPrefix = DEFAULT_KEY_PREFIX } = options;
    // There is no request here, so no caller: `authorize`, `beforeSign` and a prefix function belong to the handlers.
    if (typeof keyPrefix === 'function') throw new TypeError('presigned-uploader/server: presignUpload takes a string `keyPrefix`; a function needs createSignHandler.');
    settings = { ...resolveSignOptions(options), keyPrefix: checkKeyPrefix(keyPrefix) };
    resolved.set(options, settings);
  }
  return presignAccepted(settings, acceptUpload(settings, request));
}

/** A presigned POST or PUT, as the options say, for a file that passed acceptUpload (and `beforeSign`). */
export async function presignAccepted(settings: ResolvedSignOptions, upload: AcceptedUpload): Promise<PresignedUpload | PresignedPut> {
  return settings.method === 'PUT' ? presignPut(settings, upload) : presignPost(settings, upload);
}

async function presignPost(settings: ResolvedSignOptions, upload: AcceptedUpload): Promise<PresignedUpload> {
  const { key, contentType } = upload;
  const status = String(settings.successActionStatus);
  // Every field the browser sends must be in the policy, or S3 answers 403 "Extra input fields";
  // the SDK adds an exact condition per field, the explicit list keeps the policy readable here.
  // Never more than announced: a leaked answer cannot carry a bigger file than the one checked.
  const conditions: Condition[] = [
    ['content-length-range', settings.minSize, Math.max(settings.minSize, upload.size)],
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
