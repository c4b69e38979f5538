import { readFile, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Answer } from './answer.js';
import { malformedXml, parseCompleteMultipartUpload } from './complete-request.js';
import { MAX_PART_NUMBER, type MultipartStore, type MultipartUpload } from './multipart-store.js';
import { checkKeyLength } from './object-key.js';
import type { ObjectStore } from './object-store.js';
import type { SignedRequest } from './request-auth.js';
import { receiveBody } from './request-body.js';
import { notImplemented, S3Error } from './s3-error.js';
import { completeMultipartUploadXml, initiateMultipartUploadXml, listPartsXml } from './s3-xml.js';
import { requestAttributes } from './stored-headers.js';

/** Where an object write lands and who asked for it. */
export interface WriteTarget {
  objects: ObjectStore;
  uploads: MultipartStore;
  bucket: string;
  key: string;
  query: URLSearchParams;
  /** Undefined for an unsigned request, which S3 refuses for every write. */
  signed: SignedRequest | undefined;
  /** The object's absolute URL, for CompleteMultipartUpload's `Location`. */
  objectUrl(): string;
  now(): Date;
}

// S3's limits: 5 GiB for one PUT or one part; the XML listing 10,000 parts stays far below 2 MiB.
const MAX_PUT_BYTES = 5 * 1024 ** 3;
const MAX_COMPLETE_XML_BYTES = 2 * 1024 * 1024;
const MAX_LISTED_PARTS = 1000;

/** Whether `answerObjectWrite` takes this request: PutObject and the five multipart calls. */
export function isObjectWrite(method: string, query: URLSearchParams, subresources: readonly string[]): boolean {
  // partNumber without uploadId names no call S3 has; it is refused rather than read as PutObject.
  if (subresources.length === 0) return method === 'PUT' && !query.has('partNumber');
  if (subresources.length !== 1) return false;
  if (subresources[0] === 'uploads') return method === 'POST';
  return subresources[0] === 'uploadId' && ['PUT', 'GET', 'POST', 'DELETE'].includes(method);
}

/** PutObject, CreateMultipartUpload, UploadPart, ListParts, CompleteMultipartUpload, AbortMultipartUpload. */
export async function answerObjectWrite(request: IncomingMessage, target: WriteTarget): Promise<Answer> {
  // Anyone could fill the disk otherwise; and a client that forgot to sign should learn it here, not on S3.
  if (!target.signed) throw new S3Error(403, 'AccessDenied', 'Access Denied');
  const signed = target.signed;
  refuseUnimplemented(request);
  const method = request.method ?? 'GET';
  const uploadId = target.query.get('uploadId');
  if (uploadId === null) {
    checkKeyLength(target.key);
    return method === 'POST' ? createUpload(request, target) : putObject(request, signed, target);
  }
  const upload = await target.uploads.get(target.bucket, target.key, uploadId);
  switch (method) {
    case 'PUT': {
      const partNumber = parsePartNumber(target.query.get('partNumber'));
      const tempPath = target.objects.tempPath();
      const body = await receiveBody(request, signed, tempPath, MAX_PUT_BYTES);
      await target.uploads.commitPart(upload, { partNumber, etag: body.md5, size: body.size, lastModified: target.now().toISOString() }, tempPath);
      return empty(200, { ETag: `"${body.md5}"` });
    }
    case 'GET':
      return listParts(target, upload);
    case 'POST': {
      const requested = parseCompleteMultipartUpload(await readSmallBody(request, signed, target));
      const object = await target.uploads.complete(upload, requested, target.now());
      return xml(completeMultipartUploadXml({ location: target.objectUrl(), bucket: target.bucket, key: target.key, etag: object.etag }));
    }
    default:
      await target.uploads.abort(upload);
      return empty(204, {});
  }
}

async function putObject(request: IncomingMessage, signed: SignedRequest, target: WriteTarget): Promise<Answer> {
  const attributes = requestAttributes(request.headers, target.query);
  const tempPath = target.objects.tempPath();
  const body = await receiveBody(request, signed, tempPath, MAX_PUT_BYTES);
  try {
    await target.objects.commit(target.bucket, tempPath, { key: target.key, size: body.size, etag: body.md5, lastModified: target.now().toISOString(), ...attributes });
  } catch (error) {
    await target.objects.discard(tempPath);
    throw error;
  }
  return empty(200, { ETag: `"${body.md5}"` });
}

async function createUpload(request: IncomingMessage, target: WriteTarget): Promise<Answer> {
  const upload = await target.uploads.create(target.bucket, target.key, requestAttributes(request.headers, target.query), target.now());
  return xml(initiateMultipartUploadXml(upload));
}

async function listParts(target: WriteTarget, upload: MultipartUpload): Promise<Answer> {
  const maxParts = Math.min(nonNegativeInteger(target.query, 'max-parts') ?? MAX_LISTED_PARTS, MAX_LISTED_PARTS);
  const marker = nonNegativeInteger(target.query, 'part-number-marker') ?? 0;
  const after = (await target.uploads.parts(upload)).filter((part) => part.partNumber > marker);
  const page = after.slice(0, maxParts);
  return xml(
    listPartsXml({
      bucket: target.bucket,
      key: target.key,
      uploadId: upload.uploadId,
      partNumberMarker: marker,
      nextPartNumberMarker: page.at(-1)?.partNumber ?? 0,
      maxParts,
      isTruncated: after.length > page.length,
      parts: page,
    }),
  );
}

/** The CompleteMultipartUpload XML, checked like any signed body (it passes through a temp file to reuse those checks). */
async function readSmallBody(request: IncomingMessage, signed: SignedRequest, target: WriteTarget): Promise<string> {
  const tempPath = target.objects.tempPath();
  try {
    await receiveBody(request, signed, tempPath, MAX_COMPLETE_XML_BYTES).catch((error: unknown) => {
      throw error instanceof S3Error && error.code === 'EntityTooLarge' ? malformedXml() : error;
    });
    return await readFile(tempPath, 'utf8');
  } finally {
    await rm(tempPath, { force: true });
  }
}

/** Headers that would make this a different call (CopyObject, UploadPartCopy, a conditional write) that is not implemented. */
function refuseUnimplemented(request: IncomingMessage): void {
  for (const name of ['x-amz-copy-source', 'if-match', 'if-none-match']) {
    if (request.headers[name] !== undefined) throw notImplemented(`${name} is not implemented by this dev storage.`);
  }
}

function parsePartNumber(text: string | null): number {
  const value = Number(text);
  if (text === null || !/^\d{1,5}$/.test(text) || value < 1 || value > MAX_PART_NUMBER) {
    throw new S3Error(400, 'InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, {
      ArgumentName: 'partNumber',
      ArgumentValue: text ?? '',
    });
  }
  return value;
}

function nonNegativeInteger(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) > 2 ** 31 - 1) {
    throw new S3Error(400, 'InvalidArgument', `Argument ${name} must be an integer between 0 and 2147483647`, { ArgumentName: name, ArgumentValue: text });
  }
  return Number(text);
}

function empty(status: number, headers: Record<string, string>): Answer {
  return { status, headers, body: '' };
}

function xml(body: string): Answer {
  return { status: 200, headers: { 'Content-Type': 'application/xml' }, body };
}
