import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { KeyedQueue } from './keyed-queue.js';
import type { ObjectStore, StoredObject } from './object-store.js';
import { S3Error } from './s3-error.js';
import type { ObjectAttributes } from './stored-headers.js';

/** An upload in progress, as CreateMultipartUpload left it. */
export interface MultipartUpload extends ObjectAttributes {
  uploadId: string;
  bucket: string;
  key: string;
  /** ISO 8601. */
  initiated: string;
}

export interface StoredPart {
  partNumber: number;
  /** MD5 hex of the part, without quotes. */
  etag: string;
  size: number;
  /** ISO 8601. */
  lastModified: string;
}

/** One entry of a CompleteMultipartUpload request. */
export interface RequestedPart {
  partNumber: number;
  /** As sent: quoted or not. */
  etag: string;
}

/** S3's floor for every part but the last. */
const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;

// Like `.tmp`, a name no bucket can have. Uploads survive restarts, as on S3, until completed or aborted.
const UPLOADS_DIR = '.multipart';
// Upload ids name folders: only ids of exactly this shape (the ones this server makes) are looked up.
const UPLOAD_ID = /^[A-Za-z0-9_-]{43}$/;

function noSuchUpload(uploadId: string): S3Error {
  return new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', {
    UploadId: uploadId,
  });
}

/**
 * Multipart uploads on disk: `dataDir/.multipart/UPLOAD_ID/` holds `upload.json` and, per
 * part, `N.bin` with `N.json`. Part bytes arrive in temp files (ObjectStore.tempPath) and are
 * renamed in; the object is the parts concatenated by streaming, committed like any upload.
 */
export class MultipartStore {
  readonly #dir: string;
  readonly #objects: ObjectStore;
  /** Per-upload queue: part commits, completion and abort of one upload never interleave. */
  readonly #queue = new KeyedQueue();

  private constructor(dataDir: string, objects: ObjectStore) {
    this.#dir = join(dataDir, UPLOADS_DIR);
    this.#objects = objects;
  }

  static async open(dataDir: string, objects: ObjectStore): Promise<MultipartStore> {
    const store = new MultipartStore(dataDir, objects);
    await mkdir(store.#dir, { recursive: true });
    return store;
  }

  async create(bucket: string, key: string, attributes: ObjectAttributes, now: Date): Promise<MultipartUpload> {
    const upload: MultipartUpload = { uploadId: randomBytes(32).toString('base64url'), bucket, key, initiated: now.toISOString(), ...attributes };
    await mkdir(join(this.#dir, upload.uploadId));
    await writeFile(join(this.#dir, upload.uploadId, 'upload.json'), JSON.stringify(upload, null, 2));
    return upload;
  }

  /** The upload, when it exists for this bucket and key; NoSuchUpload otherwise. */
  async get(bucket: string, key: string, uploadId: string): Promise<MultipartUpload> {
    if (!UPLOAD_ID.test(uploadId)) throw noSuchUpload(uploadId);
    try {
      const upload = JSON.parse(await readFile(join(this.#dir, uploadId, 'upload.json'), 'utf8')) as MultipartUpload;
      if (upload.bucket === bucket && upload.key === key) return upload;
    } catch {
      // answered below: gone, or never made here
    }
    throw noSuchUpload(uploadId);
  }

  /** Moves a received part into place, replacing an earlier upload of the same number. */
  async commitPart(upload: MultipartUpload, part: StoredPart, tempPath: string): Promise<void> {
    try {
      await this.#queue.run(upload.uploadId, async () => {
        // Aborted or completed while the part was arriving: the part has nowhere to go.
        await this.get(upload.bucket, upload.key, upload.uploadId);
        const base = join(this.#dir, upload.uploadId, String(part.partNumber));
        await writeFile(`${tempPath}.json`, JSON.stringify(part));
        await rename(tempPath, `${base}.bin`);
        await rename(`${tempPath}.json`, `${base}.json`);
      });
    } finally {
      await rm(tempPath, { force: true });
      await rm(`${tempPath}.json`, { force: true });
    }
  }

  /** Every part uploaded so far, by part number. */
  async parts(upload: MultipartUpload): Promise<StoredPart[]> {
    const dir = join(this.#dir, upload.uploadId);
    const names = await readdir(dir).catch(() => [] as string[]);
    const parts = await Promise.all(
      names
        .filter((name) => /^\d+\.json$/.test(name))
        .map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8').catch(() => 'null')) as StoredPart | null),
    );
    return parts.filter((part): part is StoredPart => part !== null).sort((a, b) => a.partNumber - b.partNumber);
  }

  /**
   * CompleteMultipartUpload: checks the list as S3 does (ascending numbers, parts that exist
   * with these ETags, every part but the last at least 5 MiB), writes the object and forgets
   * the upload. The object's ETag is the MD5 of the parts' binary MD5s, then `-` and the count.
   */
  async complete(upload: MultipartUpload, requested: readonly RequestedPart[], now: Date): Promise<StoredObject> {
    return this.#queue.run(upload.uploadId, async () => {
      await this.get(upload.bucket, upload.key, upload.uploadId);
      const chosen = checkPartList(upload.uploadId, requested, await this.parts(upload));
      const tempPath = this.#objects.tempPath();
      const dir = join(this.#dir, upload.uploadId);
      const md5s = createHash('md5');
      for (const part of chosen) md5s.update(Buffer.from(part.etag, 'hex'));
      const object: StoredObject = {
        key: upload.key,
        size: chosen.reduce((total, part) => total + part.size, 0),
        etag: `${md5s.digest('hex')}-${chosen.length}`,
        lastModified: now.toISOString(),
        contentType: upload.contentType,
        headers: upload.headers,
      };
      try {
        await pipeline(concatenated(chosen.map((part) => join(dir, `${part.partNumber}.bin`))), createWriteStream(tempPath, { flags: 'wx' }));
        await this.#objects.commit(upload.bucket, tempPath, object);
      } catch (error) {
        await this.#objects.discard(tempPath);
        throw error;
      }
      await rm(dir, { recursive: true, force: true });
      return object;
    });
  }

  async abort(upload: MultipartUpload): Promise<void> {
    await this.#queue.run(upload.uploadId, async () => {
      await this.get(upload.bucket, upload.key, upload.uploadId);
      await rm(join(this.#dir, upload.uploadId), { recursive: true, force: true });
    });
  }
}

/** The files' bytes one after another, a chunk at a time. */
async function* concatenated(paths: readonly string[]): AsyncGenerator<Buffer> {
  for (const path of paths) yield* createReadStream(path);
}

/** The stored parts a CompleteMultipartUpload names, in order, or S3's refusal of the list. */
function checkPartList(uploadId: string, requested: readonly RequestedPart[], stored: readonly StoredPart[]): StoredPart[] {
  const byNumber = new Map(stored.map((part) => [part.partNumber, part]));
  const chosen: StoredPart[] = [];
  let previous = 0;
  for (const { partNumber, etag } of requested) {
    if (partNumber <= previous) {
      throw new S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', { UploadId: uploadId });
    }
    previous = partNumber;
    const part = byNumber.get(partNumber);
    if (!part || part.etag !== etag.replace(/^"(.*)"$/, '$1').toLowerCase()) {
      throw new S3Error(
        400,
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
        { UploadId: uploadId, PartNumber: partNumber, ETag: etag },
      );
    }
    chosen.push(part);
  }
  const small = chosen.slice(0, -1).find((part) => part.size < MIN_PART_BYTES);
  if (small) {
    throw new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', {
      ProposedSize: small.size,
      MinSizeAllowed: MIN_PART_BYTES,
      PartNumber: small.partNumber,
      ETag: small.etag,
    });
  }
  return chosen;
}
