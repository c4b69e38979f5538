import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './s3-error.js';

// Size lines and trailer lines are short; a longer one is a broken body, not something to buffer.
const MAX_LINE_BYTES = 4096;

function incomplete(): S3Error {
  return new S3Error(400, 'IncompleteBody', 'The request body terminated unexpectedly');
}

/**
 * Decodes the unsigned `aws-chunked` body the AWS SDK sends for streams
 * (`x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`): `hex-size CRLF data CRLF`
 * chunks, a zero-size chunk, then `name:value` trailer lines (the checksum) and an empty line.
 * Only the data passes on; the trailers are readable once the stream has finished.
 */
export class AwsChunkedDecoder extends Transform {
  /** Lowercase trailer name -> value. */
  readonly trailers = new Map<string, string>();
  #state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  #line = '';
  #remaining = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let offset = 0;
    try {
      while (offset < chunk.length) {
        if (this.#state === 'data') {
          const take = Math.min(this.#remaining, chunk.length - offset);
          this.push(chunk.subarray(offset, offset + take));
          offset += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = 'data-end';
          continue;
        }
        if (this.#state === 'done') throw incomplete();
        const newline = chunk.indexOf(0x0a, offset);
        const end = newline === -1 ? chunk.length : newline + 1;
        this.#line += chunk.toString('latin1', offset, end);
        offset = end;
        if (this.#line.length > MAX_LINE_BYTES) throw incomplete();
        if (newline !== -1) this.#endLine(this.#line.replace(/\r?\n$/, ''));
      }
    } catch (error) {
      return callback(error as Error);
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    callback(this.#state === 'done' ? null : incomplete());
  }

  #endLine(line: string): void {
    this.#line = '';
    switch (this.#state) {
      case 'size': {
        // Signed variants add `;chunk-signature=...`; only the unsigned one is accepted upstream.
        if (!/^[0-9a-fA-F]{1,16}$/.test(line)) throw incomplete();
        this.#remaining = parseInt(line, 16);
        this.#state = this.#remaining === 0 ? 'trailer' : 'data';
        return;
      }
      case 'data-end':
        if (line !== '') throw incomplete();
        this.#state = 'size';
        return;
      case 'trailer': {
        if (line === '') {
          this.#state = 'done';
          return;
        }
        const colon = line.indexOf(':');
        if (colon < 1) throw incomplete();
        this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        return;
      }
      default:
        throw incomplete();
    }
  }
}
