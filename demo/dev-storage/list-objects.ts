import { S3Error } from './s3-error.js';

export interface ListedObject {
  key: string;
  size: number;
  /** MD5 hex, without quotes. */
  etag: string;
  /** ISO 8601. */
  lastModified: string;
}

export interface ListRequest {
  prefix: string;
  delimiter?: string;
  maxKeys: number;
  continuationToken?: string;
  startAfter?: string;
  encodingType?: 'url';
}

export interface ObjectListing extends ListRequest {
  bucket: string;
  contents: ListedObject[];
  commonPrefixes: string[];
  /** Set when the listing was cut at maxKeys. */
  nextContinuationToken?: string;
}

const MAX_KEYS = 1000;

/** ListObjectsV2's query parameters; unknown ones (`list-type`, the SDK's `x-id`) are ignored. */
export function parseListQuery(query: URLSearchParams): ListRequest {
  const maxKeysText = query.get('max-keys');
  const maxKeys = maxKeysText === null ? MAX_KEYS : Number(maxKeysText);
  if (!/^\d+$/.test(maxKeysText ?? '0') || !Number.isSafeInteger(maxKeys)) {
    throw new S3Error(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range', {
      ArgumentName: 'max-keys',
      ArgumentValue: maxKeysText ?? '',
    });
  }
  const encodingType = query.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') {
    throw new S3Error(400, 'InvalidArgument', 'Invalid Encoding Method specified in Request', {
      ArgumentName: 'encoding-type',
      ArgumentValue: encodingType,
    });
  }
  const request: ListRequest = { prefix: query.get('prefix') ?? '', maxKeys: Math.min(maxKeys, MAX_KEYS) };
  const delimiter = query.get('delimiter');
  if (delimiter) request.delimiter = delimiter;
  const token = query.get('continuation-token');
  if (token !== null) request.continuationToken = token;
  const startAfter = query.get('start-after');
  if (startAfter) request.startAfter = startAfter;
  if (encodingType === 'url') request.encodingType = 'url';
  return request;
}

/** S3 orders keys by their UTF-8 bytes, which is not JavaScript's UTF-16 string order. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Where the previous page stopped: the last key or common prefix it returned. */
interface Resume {
  after: string;
  wasPrefix: boolean;
}

function encodeToken(resume: Resume): string {
  return Buffer.from(JSON.stringify(resume), 'utf8').toString('base64url');
}

function decodeToken(token: string): Resume {
  try {
    const resume = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Resume;
    if (typeof resume.after === 'string' && typeof resume.wasPrefix === 'boolean') return resume;
  } catch {
    // answered below, like any other token this server did not issue
  }
  throw new S3Error(400, 'InvalidArgument', 'The continuation token provided is incorrect', {
    ArgumentName: 'continuation-token',
    ArgumentValue: token,
  });
}

/** One page of ListObjectsV2 over every object of a bucket, in any order. */
export function listObjects(bucket: string, objects: readonly ListedObject[], request: ListRequest): ObjectListing {
  const { prefix, delimiter, maxKeys } = request;
  const resume = request.continuationToken === undefined ? undefined : decodeToken(request.continuationToken);
  const sorted = objects.filter((object) => object.key.startsWith(prefix)).sort((a, b) => compareKeys(a.key, b.key));
  const listing: ObjectListing = { ...request, bucket, contents: [], commonPrefixes: [] };

  let last: Resume | undefined;
  for (const object of sorted) {
    if (request.startAfter !== undefined && compareKeys(object.key, request.startAfter) <= 0) continue;
    if (resume && (compareKeys(object.key, resume.after) <= 0 || (resume.wasPrefix && object.key.startsWith(resume.after)))) continue;
    const cut = delimiter === undefined ? -1 : object.key.indexOf(delimiter, prefix.length);
    const commonPrefix = cut === -1 ? undefined : object.key.slice(0, cut + delimiter!.length);
    // Keys are sorted, so the keys under one common prefix are neighbours.
    if (commonPrefix !== undefined && last?.wasPrefix && last.after === commonPrefix) continue;
    if (listing.contents.length + listing.commonPrefixes.length === maxKeys) {
      if (last) listing.nextContinuationToken = encodeToken(last);
      break;
    }
    if (commonPrefix === undefined) {
      listing.contents.push(object);
      last = { after: object.key, wasPrefix: false };
    } else {
      listing.commonPrefixes.push(commonPrefix);
      last = { after: commonPrefix, wasPrefix: true };
    }
  }
  return listing;
}
