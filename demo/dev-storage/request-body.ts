import { createHash, type Hash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import { AwsChunkedDecoder } from './aws-chunked.js';
import { ClientGone } from './post-form.js';
import type { SignedRequest } from './request-auth.js';
import { notImplemented, S3Error } from './s3-error.js';
import { spoolToFile } from './spool-file.js';

/** A body on disk whose every declared digest matched. */
export interface ReceivedBody {
  size: number;
  /** MD5 hex: the ETag of a PutObject or UploadPart. */
  md5: string;
}

// Checksums a client may send as x-amz-checksum-* (header or aws-chunked trailer) that Node can
// compute; CRC32C and CRC64NVME are taken on trust, since verifying them needs a native library.
type ChecksumName = 'crc32' | 'sha1' | 'sha256';
const CHECKSUMS: readonly ChecksumName[] = ['crc32', 'sha1', 'sha256'];

/** Hashes the bytes passing through with whatever the request asked to be checked. */
class BodyDigests extends Transform {
  readonly #sha256: Hash | undefined;
  readonly #sha1: Hash | undefined;
  #crc32: number | undefined;

  constructor(want: ReadonlySet<'payload-sha256' | ChecksumName>) {
    super();
    this.#sha256 = want.has('payload-sha256') || want.has('sha256') ? createHash('sha256') : undefined;
    this.#sha1 = want.has('sha1') ? createHash('sha1') : undefined;
    this.#crc32 = want.has('crc32') ? 0 : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#sha256?.update(chunk);
    this.#sha1?.update(chunk);
    if (this.#crc32 !== undefined) this.#crc32 = crc32(chunk, this.#crc32);
    callback(null, chunk);
  }

  /** Call once, after the stream ended. */
  results(): { sha256?: Buffer; checksums: Partial<Record<ChecksumName, string>> } {
    const sha256 = this.#sha256?.digest();
    const checksums: Partial<Record<ChecksumName, string>> = {};
    if (sha256) checksums.sha256 = sha256.toString('base64');
    if (this.#sha1) checksums.sha1 = this.#sha1.digest('base64');
    if (this.#crc32 !== undefined) {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(this.#crc32 >>> 0);
      checksums.crc32 = bytes.toString('base64');
    }
    return sha256 ? { sha256, checksums } : { checksums };
  }
}

/**
 * Streams a signed PUT body (PutObject, UploadPart, the CompleteMultipartUpload XML) to a new
 * file at `path` and checks it as S3 does: a declared length no larger than `maxBytes`, the
 * signed payload hash, Content-MD5 and x-amz-checksum-* (header or trailer). The bytes never
 * sit in memory; on any refusal the file is gone. Checksum parameters in a presigned URL's
 * query are not read: S3 ignores them (the SDK's presigner adds the CRC32 of an empty body).
 */
export async function receiveBody(request: IncomingMessage, signed: SignedRequest, path: string, maxBytes: number): Promise<ReceivedBody> {
  const { payloadHash } = signed;
  const chunked = payloadHash === 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  if (payloadHash.startsWith('STREAMING-') && !chunked) {
    throw notImplemented(
      `x-amz-content-sha256: ${payloadHash} is not implemented by this dev storage; send UNSIGNED-PAYLOAD, a hex SHA-256 or STREAMING-UNSIGNED-PAYLOAD-TRAILER.`,
    );
  }
  const payloadSha256 = /^[0-9a-f]{64}$/.test(payloadHash) ? payloadHash : undefined;
  if (!payloadSha256 && !chunked && payloadHash !== 'UNSIGNED-PAYLOAD') {
    throw new S3Error(400, 'InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, or a valid sha256 value.', {
      ArgumentName: 'x-amz-content-sha256',
      ArgumentValue: payloadHash,
    });
  }
  const size = declaredSize(request, chunked);
  if (size > maxBytes) {
    throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { ProposedSize: size, MaxSizeAllowed: maxBytes });
  }
  const contentMd5 = expectedContentMd5(request);
  const declared = declaredChecksums(request);
  const trailerName = chunked ? header(request, 'x-amz-trailer')?.trim().toLowerCase() : undefined;
  const want = new Set<'payload-sha256' | ChecksumName>(Object.keys(declared) as ChecksumName[]);
  if (payloadSha256) want.add('payload-sha256');
  const trailerChecksum = trailerName?.startsWith('x-amz-checksum-') ? (trailerName.slice('x-amz-checksum-'.length) as ChecksumName) : undefined;
  if (trailerChecksum && CHECKSUMS.includes(trailerChecksum)) want.add(trailerChecksum);

  const decoder = chunked ? new AwsChunkedDecoder() : undefined;
  const digests = new BodyDigests(want);
  let spooled;
  try {
    spooled = await spoolToFile(request, path, size, [...(decoder ? [decoder] : []), digests]);
  } catch (error) {
    if (error instanceof S3Error) throw error;
    if (!request.complete) throw new ClientGone();
    throw error;
  }
  try {
    if (spooled.exceeded || spooled.size !== size) {
      throw new S3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
    }
    const { sha256, checksums } = digests.results();
    if (payloadSha256 && sha256!.toString('hex') !== payloadSha256) {
      throw new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
        ClientComputedContentSHA256: payloadSha256,
        S3ComputedContentSHA256: sha256!.toString('hex'),
      });
    }
    if (contentMd5 !== undefined) {
      const calculated = Buffer.from(spooled.md5, 'hex').toString('base64');
      if (calculated !== contentMd5) {
        throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.', {
          ExpectedDigest: contentMd5,
          CalculatedDigest: calculated,
        });
      }
    }
    const expected: Partial<Record<ChecksumName, string>> = { ...declared };
    if (trailerChecksum && CHECKSUMS.includes(trailerChecksum)) {
      const value = decoder!.trailers.get(trailerName!);
      if (value === undefined) throw new S3Error(400, 'MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.');
      expected[trailerChecksum] = value;
    }
    for (const name of CHECKSUMS) {
      if (expected[name] !== undefined && expected[name] !== checksums[name]) {
        throw new S3Error(400, 'BadDigest', `The ${name.toUpperCase()} you specified did not match the calculated checksum.`);
      }
    }
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { size: spooled.size, md5: spooled.md5 };
}

/** The object's size: Content-Length, or for aws-chunked bodies the decoded length the SDK declares. */
function declaredSize(request: IncomingMessage, chunked: boolean): number {
  const text = header(request, chunked ? 'x-amz-decoded-content-length' : 'content-length');
  if (text === undefined) {
    throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  if (!/^\d{1,16}$/.test(text)) {
    throw new S3Error(400, 'InvalidArgument', `Invalid ${chunked ? 'x-amz-decoded-content-length' : 'Content-Length'}`, {
      ArgumentName: chunked ? 'x-amz-decoded-content-length' : 'Content-Length',
      ArgumentValue: text,
    });
  }
  return Number(text);
}

/** Content-MD5 as sent (base64 of 16 bytes), refused before the body is read when it cannot be one. */
function expectedContentMd5(request: IncomingMessage): string | undefined {
  const value = header(request, 'content-md5');
  if (value === undefined) return undefined;
  const digest = Buffer.from(value, 'base64');
  if (digest.length !== 16 || digest.toString('base64') !== value) {
    throw new S3Error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.', { 'Content-MD5': value });
  }
  return value;
}

/** x-amz-checksum-* request headers this server can verify, by algorithm. */
function declaredChecksums(request: IncomingMessage): Partial<Record<ChecksumName, string>> {
  const declared: Partial<Record<ChecksumName, string>> = {};
  for (const name of CHECKSUMS) {
    const value = header(request, `x-amz-checksum-${name}`);
    if (value !== undefined) declared[name] = value;
  }
  return declared;
}

/** A header's first value: Node joins repeats of most headers, but not of unknown ones. */
function header(request: IncomingMessage, name: string): string | undefined {
  return request.headersDistinct[name]?.[0];
}
