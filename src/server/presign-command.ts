import { PutObjectCommand, type S3Client, type UploadPartCommand } from '@aws-sdk/client-s3';
import { urlExpiry } from '../engine/signature-expiry.js';
import { optionalPeer } from './missing-peer.js';

/** Matches the flexible-checksum headers the SDK adds to PutObject and UploadPart since 3.729. */
const CHECKSUM_HEADER = /^x-amz-(?:checksum-|sdk-checksum-algorithm$)/i;

/**
 * Loaded on the first PUT or part to sign, not with the entry: POST-only servers need not install
 * it (the README's install table), and importing the server entry must work without it.
 */
const loadPresigner = optionalPeer('@aws-sdk/s3-request-presigner', 'Presigned PUT and multipart uploads', () => import('@aws-sdk/s3-request-presigner'));

/** Throws MissingPeer now rather than later: multipart `create` checks before it starts an upload it could not sign parts for. */
export async function requirePresigner(): Promise<void> {
  await loadPresigner();
}

/**
 * A presigned URL for `command` (PutObject, UploadPart) that a browser can PUT a body to.
 * `signedHeaders` are signed as headers, so S3 refuses a request whose values differ: the
 * presigner leaves Content-Type unsigned unless asked.
 */
export async function presignCommand(
  client: S3Client,
  command: PutObjectCommand | UploadPartCommand,
  expiresIn: number,
  signedHeaders: string[] = [],
): Promise<string> {
  const { getSignedUrl } = await loadPresigner();
  withoutEmptyChecksum(command);
  const options = { expiresIn, signableHeaders: new Set(signedHeaders) };
  // Two calls only because TypeScript cannot infer getSignedUrl's types from a union of commands.
  return command instanceof PutObjectCommand ? getSignedUrl(client, command, options) : getSignedUrl(client, command, options);
}

/**
 * At signing time there is no body, so a client with the default `requestChecksumCalculation`
 * would sign the CRC32 of zero bytes into the URL, and S3 (R2, MinIO) would refuse every real
 * body. The client may be the caller's, so the checksum is dropped on this command, not in the client.
 */
function withoutEmptyChecksum(command: PutObjectCommand | UploadPartCommand): void {
  // The middleware reads request headers only, the same for either command.
  const stack = command.middlewareStack as PutObjectCommand['middlewareStack'];
  stack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      for (const name of Object.keys(headers)) if (CHECKSUM_HEADER.test(name)) delete headers[name];
      return next(args);
    },
    // 'build' runs after the SDK's checksum middleware has set the headers, 'low' after its peers in the step.
    { step: 'build', priority: 'low', name: 'presignedUploaderNoEmptyChecksum', override: true },
  );
}

/** When a SigV4 presigned URL expires, ISO 8601: X-Amz-Date plus X-Amz-Expires, as S3 reads them. */
export function urlExpiration(url: string): string | undefined {
  const expires = urlExpiry(url);
  return expires === undefined ? undefined : new Date(expires).toISOString();
}

/** An expiry computed here, for when the signed one cannot be read. */
export function fallbackExpiry(expiresIn: number): string {
  return new Date(Date.now() + expiresIn * 1000).toISOString();
}
