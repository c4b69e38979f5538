import { S3Error } from './s3-error.js';

/** What a path-style S3 request names: `/BUCKET/KEY...?query`. */
export interface RequestTarget {
  /** '' for the service root. */
  bucket: string;
  /** '' for the bucket itself (`/BUCKET` and `/BUCKET/`). */
  key: string;
  query: URLSearchParams;
  /** The path as sent, still percent-encoded: what a SigV4 signature covers. */
  rawPath: string;
  /** The query as sent, without `?`. */
  rawQuery: string;
}

/**
 * Reads the raw request target by hand: `new URL()` would resolve `..` segments and so change
 * which key `/bucket/../../etc/x` names. Keys are opaque in S3; only percent-decoding applies.
 */
export function parseRequestTarget(rawUrl: string): RequestTarget {
  const { rawPath, rawQuery } = splitRawUrl(rawUrl);
  if (!rawPath.startsWith('/')) throw invalidUri();
  const slash = rawPath.indexOf('/', 1);
  const bucket = decode(slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash));
  const key = slash === -1 ? '' : decode(rawPath.slice(slash + 1));
  return { bucket, key, query: new URLSearchParams(rawQuery), rawPath, rawQuery };
}

/** The path and query exactly as sent, still percent-encoded. */
function splitRawUrl(rawUrl: string): { rawPath: string; rawQuery: string } {
  // A proxy may send the absolute form: `http://host:port/bucket/key`.
  const withoutOrigin = rawUrl.replace(/^https?:\/\/[^/?#]*/i, '');
  const queryStart = withoutOrigin.indexOf('?');
  return queryStart === -1
    ? { rawPath: withoutOrigin, rawQuery: '' }
    : { rawPath: withoutOrigin.slice(0, queryStart), rawQuery: withoutOrigin.slice(queryStart + 1) };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidUri();
  }
}

function invalidUri(): S3Error {
  return new S3Error(400, 'InvalidURI', "Couldn't parse the specified URI.");
}

/** A key as a URL path: each segment percent-encoded, the slashes kept. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
