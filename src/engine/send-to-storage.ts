import { buildFormData } from './build-form-data.js';
import { parsePostResponse, parseS3Error, unquoteEtag } from './s3-xml.js';
import { UploadError } from './upload-error.js';
import type { PutPlan, StorageReceipt, UploadPlan } from './upload-plan.js';
import type { Transport, TransportResponse } from './xhr-transport.js';

// S3 codes that say "try again later" rather than "no".
const RETRYABLE_CODES = new Set(['SlowDown', 'RequestTimeout', 'InternalError', 'ServiceUnavailable']);

export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** One request to storage: a plan (presigned POST or PUT), the key it stores under, and the bytes. */
export interface StorageRequest {
  plan: UploadPlan;
  key: string;
  /** The file, or for a multipart part the slice of it. */
  body: Blob;
  /** The file's name, for a POST form. */
  fileName: string;
  /** Bytes of `body` sent so far. */
  onProgress(loaded: number): void;
  signal: AbortSignal;
  stallTimeout?: number;
}

/**
 * Sends bytes to storage as the plan says (a POST form with the file last, or a PUT of the raw
 * bytes with exactly the signed headers) and turns the answer into a receipt, or into an `upload`
 * error with S3's code and a message a person understands.
 */
export async function sendToStorage(transport: Transport, request: StorageRequest): Promise<StorageReceipt> {
  const { plan, key, body, onProgress, signal, stallTimeout = 0 } = request;
  const size = body.size;
  const response = await transport({
    url: plan.url,
    method: plan.method,
    body: plan.method === 'POST' ? buildFormData(plan, body, request.fileName) : exactBody(body, plan.headers),
    headers: plan.method === 'PUT' ? plan.headers : undefined,
    stallTimeout,
    // A POST body also carries the fields; report progress in bytes of the file.
    onProgress: (loaded, total) => onProgress(total > 0 ? Math.min(size, Math.round((loaded / total) * size)) : 0),
    signal,
  });
  if (response.status >= 200 && response.status < 300) return receiptOf(response, plan, key);
  throw storageError(response);
}

/**
 * The browser gives a Blob body its type as Content-Type; a PUT goes out with the signed headers
 * only, so the type is dropped unless they name one.
 */
function exactBody(body: Blob, headers: PutPlan['headers']): Blob {
  return headers.some(([name]) => /^content-type$/i.test(name)) ? body : body.slice(0, body.size, '');
}

function receiptOf(response: TransportResponse, plan: UploadPlan, key: string): StorageReceipt {
  const etag = unquoteEtag(response.header('ETag'));
  if (plan.method === 'PUT') return { key, etag, location: plan.url.split('?')[0] };
  const xml = parsePostResponse(response.body) ?? {};
  return {
    key: xml.key ?? key,
    location: xml.location ?? response.header('Location') ?? undefined,
    etag: xml.etag ?? etag,
    bucket: xml.bucket,
  };
}

/** An answer that is not 2xx (or no answer) as an `upload` error; `expired` when the signature ran out. */
function storageError({ status, body, stalled }: TransportResponse): UploadError {
  if (stalled) {
    return new UploadError('upload', 'Stalled', 'The upload stopped moving, so it was given up.', { status, retryable: true });
  }
  if (status === 0) {
    return new UploadError(
      'upload',
      'NetworkError',
      'Could not reach the storage server: the network is down, or the storage does not allow this site (CORS).',
      { status, retryable: true },
    );
  }
  const s3 = parseS3Error(body);
  if (!s3) {
    return new UploadError('upload', `HTTP${status}`, `The storage server answered HTTP ${status}.`, {
      status,
      retryable: isRetryableStatus(status),
    });
  }
  // POST: "Invalid according to Policy: Policy expired."; presigned URL: "Request has expired".
  const expired = s3.code === 'AccessDenied' && /expired/i.test(s3.message);
  return new UploadError('upload', s3.code, s3.message || describeS3Code(s3.code), {
    status,
    expired,
    retryable: RETRYABLE_CODES.has(s3.code) || isRetryableStatus(status),
  });
}

// Some S3 servers (Ceph) send an empty message; say something a person can act on.
function describeS3Code(code: string): string {
  switch (code) {
    case 'AccessDenied':
    case 'SignatureDoesNotMatch':
      return 'The storage server refused the upload: the permission to upload is not valid.';
    case 'EntityTooLarge':
      return 'The file is larger than the storage allows.';
    case 'EntityTooSmall':
      return 'The file is smaller than the storage allows.';
    default:
      return `The storage server refused the upload (${code}).`;
  }
}
