import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyedQueue } from './keyed-queue.js';
import type { ListedObject } from './list-objects.js';

/** An object's sidecar metadata: what GET, HEAD and listings answer besides the bytes. */
export interface StoredObject extends ListedObject {
  contentType: string;
  /** Other headers given at upload (Cache-Control, Content-Disposition, x-amz-meta-*...), replayed on GET and HEAD. */
  headers: Record<string, string>;
}

/** S3's bucket naming rules; they also guarantee the name is a safe directory name (no `/`, no `..`). */
export function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name)
  );
}

// Bucket names cannot start with a dot, so this folder never collides with a bucket.
const TEMP_DIR = '.tmp';

/**
 * Buckets and objects on disk: `dataDir/BUCKET/<sha256(key)>.bin` holds the bytes and `.json` the
 * metadata. Hashed names keep any key (`../../etc/x`, 1024 bytes, case-only differences on
 * case-insensitive disks) inside its bucket folder; the sidecar holds the real key.
 */
export class ObjectStore {
  readonly #dataDir: string;
  readonly #tempDir: string;
  /** Per-object queues: two uploads of one key must not interleave their data and metadata renames. */
  readonly #commits = new KeyedQueue();

  private constructor(dataDir: string) {
    this.#dataDir = dataDir;
    this.#tempDir = join(dataDir, TEMP_DIR);
  }

  /** Opens (creating) the data folder; temp files left by a crash are deleted, since no upload owns them now. */
  static async open(dataDir: string): Promise<ObjectStore> {
    const store = new ObjectStore(dataDir);
    await mkdir(dataDir, { recursive: true });
    await rm(store.#tempDir, { recursive: true, force: true });
    await mkdir(store.#tempDir);
    return store;
  }

  async createBucket(bucket: string): Promise<void> {
    await mkdir(this.#bucketDir(bucket), { recursive: true });
  }

  async hasBucket(bucket: string): Promise<boolean> {
    if (!isValidBucketName(bucket)) return false;
    const info = await stat(this.#bucketDir(bucket)).catch(() => undefined);
    return info?.isDirectory() ?? false;
  }

  /** A fresh path in the data folder (same disk as the buckets, so committing is a rename). */
  tempPath(): string {
    return join(this.#tempDir, `${randomUUID()}.upload`);
  }

  /** Moves a fully written temp file into place as `object`, replacing any object under that key. */
  async commit(bucket: string, tempPath: string, object: StoredObject): Promise<void> {
    const base = this.#objectBase(bucket, object.key);
    return this.#commits.run(base, async () => {
      const metadataTemp = `${tempPath}.json`;
      try {
        await writeFile(metadataTemp, JSON.stringify(object, null, 2));
        await rename(tempPath, `${base}.bin`);
        await rename(metadataTemp, `${base}.json`);
      } finally {
        await rm(metadataTemp, { force: true });
      }
    });
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  async head(bucket: string, key: string): Promise<StoredObject | undefined> {
    return readMetadata(`${this.#objectBase(bucket, key)}.json`);
  }

  /** The object's metadata and an open handle on its bytes; the caller closes the handle. */
  async open(bucket: string, key: string): Promise<{ object: StoredObject; handle: FileHandle } | undefined> {
    const base = this.#objectBase(bucket, key);
    const object = await readMetadata(`${base}.json`);
    if (!object) return undefined;
    const handle = await open(`${base}.bin`, 'r').catch(() => undefined);
    return handle && { object, handle };
  }

  async list(bucket: string): Promise<StoredObject[]> {
    const names = await readdir(this.#bucketDir(bucket)).catch(() => [] as string[]);
    const objects = await Promise.all(
      names.filter((name) => name.endsWith('.json')).map((name) => readMetadata(join(this.#bucketDir(bucket), name))),
    );
    return objects.filter((object): object is StoredObject => object !== undefined);
  }

  #bucketDir(bucket: string): string {
    // Every caller got the name from a request: refuse here too, so no path can leave the data folder.
    if (!isValidBucketName(bucket)) throw new Error(`Invalid bucket name: ${bucket}`);
    return join(this.#dataDir, bucket);
  }

  #objectBase(bucket: string, key: string): string {
    return join(this.#bucketDir(bucket), createHash('sha256').update(key, 'utf8').digest('hex'));
  }
}

async function readMetadata(path: string): Promise<StoredObject | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as StoredObject;
  } catch {
    return undefined;
  }
}
