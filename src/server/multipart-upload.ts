import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { acceptUpload, type AcceptedUpload } from './accepted-upload.js';
import { unquoteEtag } from './etag.js';
import { MAX_PARTS, type CompleteRequest, type PartRef, type UploadRef } from './multipart-request.js';
import { fallbackExpiry, presignCommand, requirePresigner, urlExpiration } from './presign-command.js';
import { objectUrl } from './s3-client.js';
import type { ResolvedSignOptions, ScopedSignOptions } from './sign-options.js';
import { SignRefusal } from './sign-refusal.js';
import { fromStorage, MULTIPART_FAILED, StorageFailure } from './storage-error.js';

/** S3's smallest part but the last. */
const MIN_PART_SIZE = 5 * 1024 * 1024;

/** A part S3 holds; `etag` without the quotes S3 puts around it. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
  size: number;
}

/** The answer to `complete`. */
export interface CompletedUpload {
  key: string;
  bucket: string;
  /** The object's URL, built as the register handler builds it. */
  location: string;
  /** Without quotes; a multipart ETag is `md5-of-part-md5s-N`, not the file's MD5. */
  etag?: string;
}

/** The handler's `beforeSign` with the caller's context bound: throws a SignRefusal to refuse. */
export type BeforeCreate = (upload: AcceptedUpload) => void | Promise<void>;

/** `create`: the sign checks (type, size, key) and `beforeSign`, then CreateMultipartUpload with the announced type. */
export async function createUpload(settings: ScopedSignOptions, announced: unknown, beforeSign: BeforeCreate): Promise<{ uploadId: string; key: string }> {
  const upload = acceptUpload(settings, announced);
  await beforeSign(upload);
  await requirePresigner();
  const { UploadId } = await fromStorage('CreateMultipartUpload', () =>
    settings.client.send(
      new CreateMultipartUploadCommand({ Bucket: settings.bucket, Key: upload.key, ContentType: upload.contentType }),
    ),
  );
  if (!UploadId) throw new StorageFailure('CreateMultipartUpload', MULTIPART_FAILED, new Error('The answer holds no UploadId.'));
  return { uploadId: UploadId, key: upload.key };
}

/**
 * `sign-part`: a presigned UploadPart URL. Nothing can pin a part's size (the request does not
 * name it), so part numbers are held to what a file of maxSize needs with 5 MiB parts.
 */
export async function signPart(settings: ResolvedSignOptions, part: PartRef): Promise<{ url: string; expires: string }> {
  const limit = Math.min(MAX_PARTS, Math.max(1, Math.ceil(settings.maxSize / MIN_PART_SIZE)));
  if (part.partNumber > limit) {
    throw new SignRefusal(413, 'EntityTooLarge', `A file of at most ${settings.maxSize} bytes has at most ${limit} parts.`);
  }
  const command = new UploadPartCommand({ Bucket: settings.bucket, Key: part.key, UploadId: part.uploadId, PartNumber: part.partNumber });
  const url = await presignCommand(settings.client, command, settings.expiresIn);
  return { url, expires: urlExpiration(url) ?? fallbackExpiry(settings.expiresIn) };
}

/** `list-parts`: every part S3 holds, all pages of ListParts read. */
export async function listParts(settings: ResolvedSignOptions, upload: UploadRef): Promise<UploadedPart[]> {
  const parts: UploadedPart[] = [];
  let marker: string | undefined;
  // Each page holds at least one part, so more pages than parts means a server that does not advance.
  for (let page = 0; page <= MAX_PARTS; page++) {
    const answer = await fromStorage('ListParts', () =>
      settings.client.send(
        new ListPartsCommand({ Bucket: settings.bucket, Key: upload.key, UploadId: upload.uploadId, PartNumberMarker: marker }),
      ),
    );
    for (const part of answer.Parts ?? []) {
      if (part.PartNumber === undefined || part.ETag === undefined) continue;
      parts.push({ partNumber: part.PartNumber, etag: unquoteEtag(part.ETag), size: part.Size ?? 0 });
    }
    if (!answer.IsTruncated) return parts;
    const next = answer.NextPartNumberMarker;
    if (next === undefined || next === marker) break;
    marker = next;
  }
  throw new StorageFailure('ListParts', MULTIPART_FAILED, new Error('The listing says it is truncated but gives no new NextPartNumberMarker.'));
}

/**
 * `complete`: S3 holds a multipart object to no size range, as a POST policy does, and the
 * parts' sizes are known only now; an object over maxSize is refused and its upload aborted.
 */
export async function completeUpload(settings: ResolvedSignOptions, request: CompleteRequest): Promise<CompletedUpload> {
  const { bucket, client } = settings;
  // S3 wants ascending part numbers; browsers finish parts in any order.
  const parts = [...request.parts].sort((a, b) => a.partNumber - b.partNumber);
  const sizes = new Map((await listParts(settings, request)).map((part) => [part.partNumber, part.size]));
  const total = parts.reduce((sum, part) => sum + (sizes.get(part.partNumber) ?? 0), 0);
  if (total > settings.maxSize) {
    await abortUpload(settings, request).catch((error: unknown) => console.error('presigned-uploader/server: multipart: abort of an oversized upload failed:', error));
    throw new SignRefusal(413, 'EntityTooLarge', `The parts add up to ${total} bytes; the limit is ${settings.maxSize} bytes.`);
  }
  // With a part missing, S3's InvalidPart says more than a size would.
  if (total < settings.minSize && parts.every((part) => sizes.has(part.partNumber))) {
    throw new SignRefusal(400, 'EntityTooSmall', `The parts add up to ${total} bytes; the minimum is ${settings.minSize} bytes.`);
  }

  const done = await fromStorage('CompleteMultipartUpload', () =>
    client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: request.key,
        UploadId: request.uploadId,
        MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: `"${part.etag}"` })) },
      }),
    ),
  );
  return {
    key: request.key,
    bucket,
    // S3's own Location differs between servers (Ceph leaves the key unencoded); this one matches register's url.
    location: await objectUrl(client, bucket, request.key),
    ...(done.ETag && { etag: unquoteEtag(done.ETag) }),
  };
}

/** `abort`: idempotent, since a retried abort whose first try got through must not look failed. */
export async function abortUpload(settings: ResolvedSignOptions, upload: UploadRef): Promise<void> {
  try {
    await fromStorage('AbortMultipartUpload', () =>
      settings.client.send(new AbortMultipartUploadCommand({ Bucket: settings.bucket, Key: upload.key, UploadId: upload.uploadId })),
    );
  } catch (error) {
    if (!(error instanceof SignRefusal && error.code === 'NoSuchUpload')) throw error;
  }
}
