import type { ObjectListing } from './list-objects.js';
import type { S3Error } from './s3-error.js';

// S3's answers are flat and few: string templates keep them byte-for-byte readable here.
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function element(name: string, value: string | number): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

/** `<Error>` with S3's extra elements (ProposedSize, BucketName...) between Message and RequestId, as S3 orders them. */
export function errorXml(error: S3Error, requestId: string): string {
  const details = Object.entries(error.details).map(([name, value]) => element(name, value));
  return `${XML_DECLARATION}<Error>${element('Code', error.code)}${element('Message', error.message)}${details.join('')}${element('RequestId', requestId)}</Error>`;
}

export interface PostedObject {
  location: string;
  bucket: string;
  key: string;
  /** MD5 hex, without quotes. */
  etag: string;
}

/** The body of a `success_action_status=201` answer. */
export function postResponseXml(object: PostedObject): string {
  return (
    `${XML_DECLARATION}<PostResponse>${element('Location', object.location)}${element('Bucket', object.bucket)}` +
    `${element('Key', object.key)}${element('ETag', `"${object.etag}"`)}</PostResponse>`
  );
}

/** ListObjectsV2's `<ListBucketResult>`; with `encoding-type=url` keys and prefixes are URL-encoded as S3 does. */
export function listObjectsV2Xml(listing: ObjectListing): string {
  const encode = listing.encodingType === 'url' ? (value: string) => encodeURIComponent(value) : (value: string) => value;
  const optional = (name: string, value: string | undefined) => (value === undefined ? '' : element(name, value));
  const contents = listing.contents.map(
    (object) =>
      `<Contents>${element('Key', encode(object.key))}${element('LastModified', object.lastModified)}` +
      `${element('ETag', `"${object.etag}"`)}${element('Size', object.size)}<StorageClass>STANDARD</StorageClass></Contents>`,
  );
  const prefixes = listing.commonPrefixes.map((prefix) => `<CommonPrefixes>${element('Prefix', encode(prefix))}</CommonPrefixes>`);
  return (
    `${XML_DECLARATION}<ListBucketResult xmlns="${S3_NAMESPACE}">` +
    element('Name', listing.bucket) +
    element('Prefix', encode(listing.prefix)) +
    optional('Delimiter', listing.delimiter === undefined ? undefined : encode(listing.delimiter)) +
    element('MaxKeys', listing.maxKeys) +
    element('KeyCount', listing.contents.length + listing.commonPrefixes.length) +
    element('IsTruncated', String(listing.nextContinuationToken !== undefined)) +
    optional('EncodingType', listing.encodingType) +
    optional('ContinuationToken', listing.continuationToken) +
    optional('NextContinuationToken', listing.nextContinuationToken) +
    optional('StartAfter', listing.startAfter === undefined ? undefined : encode(listing.startAfter)) +
    contents.join('') +
    prefixes.join('') +
    '</ListBucketResult>'
  );
}

/** GetBucketLocation: S3 answers an empty constraint for us-east-1. */
export function locationConstraintXml(region: string): string {
  const value = region === 'us-east-1' ? '' : escapeXml(region);
  return `${XML_DECLARATION}<LocationConstraint xmlns="${S3_NAMESPACE}">${value}</LocationConstraint>`;
}

/** CreateMultipartUpload's answer. */
export function initiateMultipartUploadXml(upload: { bucket: string; key: string; uploadId: string }): string {
  return (
    `${XML_DECLARATION}<InitiateMultipartUploadResult xmlns="${S3_NAMESPACE}">` +
    `${element('Bucket', upload.bucket)}${element('Key', upload.key)}${element('UploadId', upload.uploadId)}</InitiateMultipartUploadResult>`
  );
}

export interface PartListing {
  bucket: string;
  key: string;
  uploadId: string;
  partNumberMarker: number;
  /** The last part number of this page; 0 when the page is empty. */
  nextPartNumberMarker: number;
  maxParts: number;
  isTruncated: boolean;
  parts: ReadonlyArray<{ partNumber: number; lastModified: string; etag: string; size: number }>;
}

// Single-user server: one fixed owner for everything it stores.
const OWNER = `${element('ID', 'dev-storage')}${element('DisplayName', 'dev-storage')}`;

/** ListParts' `<ListPartsResult>`, in the element order of S3's documented example. */
export function listPartsXml(listing: PartListing): string {
  const parts = listing.parts.map(
    (part) =>
      `<Part>${element('PartNumber', part.partNumber)}${element('LastModified', part.lastModified)}` +
      `${element('ETag', `"${part.etag}"`)}${element('Size', part.size)}</Part>`,
  );
  return (
    `${XML_DECLARATION}<ListPartsResult xmlns="${S3_NAMESPACE}">` +
    element('Bucket', listing.bucket) +
    element('Key', listing.key) +
    element('UploadId', listing.uploadId) +
    `<Initiator>${OWNER}</Initiator><Owner>${OWNER}</Owner><StorageClass>STANDARD</StorageClass>` +
    element('PartNumberMarker', listing.partNumberMarker) +
    element('NextPartNumberMarker', listing.nextPartNumberMarker) +
    element('MaxParts', listing.maxParts) +
    element('IsTruncated', String(listing.isTruncated)) +
    parts.join('') +
    '</ListPartsResult>'
  );
}

/** CompleteMultipartUpload's answer; `etag` without quotes. */
export function completeMultipartUploadXml(result: { location: string; bucket: string; key: string; etag: string }): string {
  return (
    `${XML_DECLARATION}<CompleteMultipartUploadResult xmlns="${S3_NAMESPACE}">` +
    `${element('Location', result.location)}${element('Bucket', result.bucket)}${element('Key', result.key)}` +
    `${element('ETag', `"${result.etag}"`)}</CompleteMultipartUploadResult>`
  );
}
