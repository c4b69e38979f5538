import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { listObjects, parseListQuery } from './list-objects.js';
import type { ObjectStore, StoredObject } from './object-store.js';
import { S3Error } from './s3-error.js';
import { listObjectsV2Xml } from './s3-xml.js';

// Reads need no signature: this is a local dev server and its objects are test uploads, so a
// page can show an uploaded image by its URL. A signature that is sent is still checked
// (request-auth.ts), so the AWS SDK with the right keys works and with wrong ones fails, as on S3.

function noSuchKey(key: string): S3Error {
  return new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
}

/**
 * Form fields may hold any text, header values only visible ASCII: others go out RFC 2047
 * encoded, as S3 sends non-ASCII metadata, rather than making Node throw on every read.
 */
function headerValue(value: string): string {
  return /^[\t\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function objectHeaders(object: StoredObject, contentLength: number): Record<string, string> {
  const stored = Object.entries(object.headers).map(([name, value]) => [name, headerValue(value)]);
  return {
    ...Object.fromEntries(stored),
    'Content-Type': headerValue(object.contentType),
    'Content-Length': String(contentLength),
    ETag: `"${object.etag}"`,
    'Last-Modified': new Date(object.lastModified).toUTCString(),
  };
}

/** GetObject and HeadObject: the stored bytes with the headers S3 sends for them. */
export async function serveObject(store: ObjectStore, bucket: string, key: string, response: ServerResponse, withBody: boolean): Promise<void> {
  if (!withBody) {
    const object = await store.head(bucket, key);
    if (!object) throw noSuchKey(key);
    response.writeHead(200, objectHeaders(object, object.size)).end();
    return;
  }
  const opened = await store.open(bucket, key);
  if (!opened) throw noSuchKey(key);
  const { object, handle } = opened;
  // The open file's own size: a concurrent overwrite cannot make Content-Length lie about these bytes.
  const { size } = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  response.writeHead(200, objectHeaders(object, size));
  // A client that leaves mid-download only ends this stream; the handle closes with it.
  await pipeline(handle.createReadStream(), response).catch(() => {});
}

/** ListObjectsV2 (also answered for V1's plain `GET /BUCKET`). */
export async function serveListing(store: ObjectStore, bucket: string, query: URLSearchParams, response: ServerResponse): Promise<void> {
  const request = parseListQuery(query);
  const xml = listObjectsV2Xml(listObjects(bucket, await store.list(bucket), request));
  response.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(xml)) }).end(xml);
}
