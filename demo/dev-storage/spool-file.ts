import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface SpooledFile {
  /** Every byte the client sent, including those past `maxBytes`. */
  size: number;
  /** MD5 hex of the bytes written; meaningful only when not `exceeded`. */
  md5: string;
  /** More than `maxBytes` arrived: writing stopped there and the file was deleted. */
  exceeded: boolean;
}

/**
 * Counts and hashes the bytes on their way to disk and stops passing them on past `maxBytes`.
 * It keeps reading (and dropping) the rest: destroying the source would stall busboy, and a
 * client that is still sending would never get to read the answer.
 */
class SizeGuard extends Transform {
  size = 0;
  readonly #hash = createHash('md5');
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    super();
    this.#maxBytes = maxBytes;
  }

  get exceeded(): boolean {
    return this.size > this.#maxBytes;
  }

  get md5(): string {
    return this.#hash.digest('hex');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    // From the chunk that crosses the limit on, nothing more is written.
    if (this.exceeded) return callback();
    this.#hash.update(chunk);
    callback(null, chunk);
  }
}

/**
 * Writes a stream to a new file at `path`, never holding more than a chunk in memory; `through`
 * (decoders, hashes) sees the bytes first, and the limit applies to what comes out of it.
 * The file is deleted when the limit is passed or anything fails (client gone, disk full).
 */
export async function spoolToFile(source: Readable, path: string, maxBytes: number, through: Transform[] = []): Promise<SpooledFile> {
  const guard = new SizeGuard(maxBytes);
  try {
    // 'wx': a temp path is never reused, so an existing file means something is wrong.
    await pipeline([source, ...through, guard, createWriteStream(path, { flags: 'wx' })]);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  if (guard.exceeded) {
    await rm(path, { force: true });
    return { size: guard.size, md5: '', exceeded: true };
  }
  return { size: guard.size, md5: guard.md5, exceeded: false };
}
