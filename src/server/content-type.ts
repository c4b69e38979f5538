/**
 * Browsers report an empty `File.type` for extensions they do not know; S3 needs some type,
 * and sign and register must agree on it, so both map the empty type to this one.
 */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** `type/subtype` with optional parameters, in RFC 9110 token characters. */
export const CONTENT_TYPE_PATTERN = /^[!#$%&'*+.^_`|~\w-]+\/[!#$%&'*+.^_`|~\w-]+(?:\s*;\s*[^\s;=]+=[^;\u0000-\u001f\u007f]*)*$/;

/** The type S3 will store for a type a browser announced. */
export function normalizeContentType(type: string): string {
  const trimmed = type.trim();
  return trimmed === '' ? DEFAULT_CONTENT_TYPE : trimmed;
}

/** `Text/HTML; charset=utf-8` -> `text/html`: what type comparisons should look at. */
export function mimeEssence(type: string): string {
  return normalizeContentType(type).split(';', 1)[0]!.trim().toLowerCase();
}
