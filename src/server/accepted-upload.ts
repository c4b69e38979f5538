import { isAccepted } from './accept-type.js';
import { normalizeContentType } from './content-type.js';
import { buildObjectKey } from './object-key.js';
import type { ScopedSignOptions } from './sign-options.js';
import { SignRefusal } from './sign-refusal.js';
import { parseUploadRequest } from './upload-request.js';

/** An announced file that passed the checks, with the type S3 will store and the key it goes to (what `beforeSign` sees). */
export interface AcceptedUpload {
  filename: string;
  contentType: string;
  size: number;
  key: string;
}

/**
 * The checks every way of uploading shares (POST, PUT, multipart `create`): a valid body,
 * an accepted type, a size within [minSize, maxSize], and a fresh key under the prefix.
 * Throws SignRefusal (400 bad request or too small, 413 too large, 415 refused type).
 */
export function acceptUpload(settings: ScopedSignOptions, body: unknown): AcceptedUpload {
  const parsed = parseUploadRequest(body);
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
  return { filename, contentType, size, key: buildObjectKey(settings.keyPrefix, settings.key, filename) };
}
