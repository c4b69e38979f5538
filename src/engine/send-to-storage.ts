import { buildFormData } from './build-form-data.js';
import { parsePostResponse, parseS3Error, unquoteEtag } from './s3-xml.js';
import { UploadError } from './upload-error.js';
import type { StorageReceipt, UploadPlan } from './upload-plan.js';
import type { Transport, TransportResponse } from './xhr-transport.js';

// S3 codes that say "try again later" rather than "no".
const RETRYABLE_CODES = new Set(['SlowDown', 'RequestTimeout', 'InternalError', 'ServiceUnavailable']);

export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/**
 * POSTs one file to storage as the plan says and turns the answer into a receipt, or into an
 * `upload` error with S3's code and a message a person understands.
 */
export async function postToStorage(
  transport: Transport,
  plan: UploadPlan,
  key: string,
  file: File,
  onProgress: (loaded: number) => void,
  signal: AbortSignal,
  stallTimeout = 0,
): Promise<StorageReceipt> {
  const response = await transport({
    url: plan.url,
    method: plan.method,
    body: buildFormData(plan, file),
    stallTimeout,
    // The body also carries the fields; report progress in bytes of the file.
    onProgress: (loaded, total) => onProgress(total > 0 ? Math.min(file.size, Math.round((loaded / total) * file.size)) : 0),
    signal,
  });
  if (response.status >= 200 && response.status < 300) return receiptOf(response, key);
  throw storageError(response);
}

function receiptOf(response: TransportResponse, key: string): StorageReceipt {
  const xml = parsePostResponse(response.body) ?? {};
  return {
    key: xml.key ?? key,
    location: xml.location ?? response.header('Location') ?? undefined,
    etag: xml.etag ?? unquoteEtag(response.header('ETag')),
    bucket: xml.bucket,
  };
}

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
  const expired = s3.code === 'AccessDenied' && /expired/i.test(s3.message);
  return new UploadError('upload', s3.code, s3.message || describeS3Code(s3.code), {
    status,
    expired,
    retryable: RETRYABLE_CODES.has(s3.code) || (!expired && isRetryableStatus(status) && status !== 403),
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
