import { S3Error } from './s3-error.js';

// S3's limit, in UTF-8 bytes, for keys from a POST form and from a request path alike.
const MAX_KEY_BYTES = 1024;

/** Refuses a key longer than S3 takes, with S3's KeyTooLongError. */
export function checkKeyLength(key: string): void {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) throw new S3Error(400, 'KeyTooLongError', 'Your key is too long', { MaxSizeAllowed: MAX_KEY_BYTES, Size: bytes });
}
