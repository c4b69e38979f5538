// Request headers (or POST form fields) S3 keeps with an object and replays on GET and HEAD.
const STORED_HEADERS = new Set(['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
/** S3's type for objects stored without one. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/** What an upload says about its object besides the bytes. */
export interface ObjectAttributes {
  contentType: string;
  headers: Record<string, string>;
}

/** Picks Content-Type, the stored standard headers and x-amz-meta-* from lowercase name -> value pairs. */
export function objectAttributes(values: Iterable<readonly [string, string]>): ObjectAttributes {
  const headers: Record<string, string> = {};
  let contentType = '';
  for (const [name, value] of values) {
    if (name === 'content-type') contentType = value;
    // A name that is no valid header name (`x-amz-meta-a b`) could never be sent back.
    else if (STORED_HEADERS.has(name) || (name.startsWith('x-amz-meta-') && HEADER_NAME.test(name))) headers[name] = value;
  }
  // aws-chunked describes how this request's body was framed, not the object: S3 drops it.
  const encoding = headers['content-encoding']?.split(',').map((part) => part.trim()).filter((part) => part !== '' && part !== 'aws-chunked');
  if (encoding?.length) headers['content-encoding'] = encoding.join(', ');
  else delete headers['content-encoding'];
  return { contentType: contentType || DEFAULT_CONTENT_TYPE, headers };
}

/**
 * The attributes a PUT or CreateMultipartUpload carries: its headers, and the x-amz-meta-*
 * parameters a presigned URL carries in its query (the AWS SDK's presigner moves x-amz-*
 * headers there, and S3 reads them as if they were headers).
 */
export function requestAttributes(headers: NodeJS.Dict<string | string[]>, query: URLSearchParams): ObjectAttributes {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) pairs.push([name, Array.isArray(value) ? value.join(', ') : value]);
  }
  for (const [name, value] of query) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amz-meta-')) pairs.push([lower, value]);
  }
  return objectAttributes(pairs);
}
