import { isDotSegment } from './key-prefix.js';

/** How the sign step names objects; see `SignOptions.key`. */
export type KeyMode = 'unique-filename' | 'filename-variable';

/** S3 replaces this literal in a POSTed `key` field with the uploaded file's name. */
const FILENAME_VARIABLE = '${filename}';

const MAX_NAME_LENGTH = 200;
/** Anything but letters (any script, with their combining marks), digits, `.`, `-` and `_`. */
const UNSAFE = /[^\p{L}\p{M}\p{N}._-]/gu;

/**
 * A file name that is safe as the last segment of a key: no `/`, no spaces or controls,
 * no leading dots (hidden files, `..`), at most 200 characters, never empty.
 */
function sanitizeFileName(name: string): string {
  // NFC first, so "é" typed two ways gives one key and a combining mark never lands alone.
  const safe = name.normalize('NFC').replace(UNSAFE, '-').replace(/^\.+/, '');
  return truncate(safe, MAX_NAME_LENGTH) || 'file';
}

/** The object key for one upload: `${prefix}${uniqueId}/${name}` with the name sanitized or left to S3. */
export function buildObjectKey(prefix: string, mode: KeyMode, filename: string): string {
  // A fresh UUID folder per upload: two files with one name never overwrite each other,
  // and the key cannot be guessed from the name.
  const folder = `${prefix}${crypto.randomUUID()}/`;
  return mode === 'filename-variable' ? `${folder}${FILENAME_VARIABLE}` : `${folder}${sanitizeFileName(filename)}`;
}

/** The part of a key that S3 must see verbatim: everything before `${filename}`. */
export function keyFolder(key: string): string {
  const at = key.lastIndexOf(FILENAME_VARIABLE);
  return at === -1 ? key : key.slice(0, at);
}

/**
 * Whether a key lies in the folder `prefix` (as checkKeyPrefix gives it: '' or ending in '/').
 * Refused although S3 would store them literally, because URL resolvers and proxies do not:
 * `.`/`..` segments (also as `%2e%2e`), backslashes, control characters, and empty segments
 * (`//`), which are folder markers or tricks, not uploads. Unicode is compared as is: a
 * look-alike of the prefix (full-width digits, another script's letters) is another prefix.
 */
export function isKeyUnder(prefix: string, key: string): boolean {
  if (!key.startsWith(prefix) || key.length === prefix.length) return false;
  if (/[\\\u0000-\u001f\u007f]/.test(key)) return false;
  if (key.split('/').some(isDotSegment)) return false;
  return !key.slice(prefix.length).split('/').includes('');
}

/** Cuts to `max` code points, keeping a short extension so the file still opens right. */
function truncate(name: string, max: number): string {
  const chars = Array.from(name);
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(name.slice(dot)) : [];
  if (extension.length > 1 && extension.length <= 16) {
    return chars.slice(0, max - extension.length).join('') + extension.join('');
  }
  return chars.slice(0, max).join('');
}
