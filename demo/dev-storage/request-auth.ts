import type { IncomingMessage } from 'node:http';
import type { RequestTarget } from './request-target.js';
import { credentialParameterError, MALFORMED_CREDENTIAL, S3Error, signatureDoesNotMatch } from './s3-error.js';
import {
  canonicalRequest,
  parseCredential,
  secretForScope,
  sign,
  signaturesMatch,
  signingKey,
  stringToSign,
  type CredentialScope,
  type SigningKeys,
} from './sigv4.js';

export interface RequestVerifier extends SigningKeys {
  now(): Date;
}

/** A request whose signature checked out: what its body must still be checked against. */
export interface SignedRequest {
  /** A hex SHA-256 of the body, `UNSIGNED-PAYLOAD`, or a `STREAMING-...` framing. */
  payloadHash: string;
  presigned: boolean;
}

/** What a SigV4 header or presigned query carries, before it is checked. */
interface Presented {
  scope: CredentialScope;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  payloadHash: string;
  /** Seconds a presigned URL stays valid; absent for header auth. */
  expires?: number;
  malformed: (reason: string) => S3Error;
}

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/**
 * Checks a SigV4 signature when a request carries one, in its Authorization header or as a
 * presigned URL, and throws S3's error for a wrong one. A request without one passes
 * (undefined): reads are open on this dev server (its objects are test uploads), yet a client
 * with the wrong secret still learns it, as it would from S3. Writes require a signature.
 */
export function verifyRequestSignature(request: IncomingMessage, target: RequestTarget, verifier: RequestVerifier): SignedRequest | undefined {
  const { rawPath, rawQuery, query } = target;
  const presented = request.headers.authorization !== undefined ? fromHeader(request) : query.has('X-Amz-Signature') ? fromQuery(query) : undefined;
  if (!presented) return undefined;
  const { scope, amzDate, malformed } = presented;

  const secret = secretForScope(scope, verifier, malformed);
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined || !amzDate.startsWith(scope.date)) throw malformed('X-Amz-Date must match the credential date.');
  const now = verifier.now().getTime();
  if (presented.expires !== undefined) {
    const expiresAt = signedAt + presented.expires * 1000;
    if (now > expiresAt) {
      throw new S3Error(403, 'AccessDenied', 'Request has expired', {
        'X-Amz-Expires': presented.expires,
        Expires: isoSeconds(expiresAt),
        ServerTime: isoSeconds(now),
      });
    }
  } else if (Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) {
    throw new S3Error(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  }

  if (presented.expires !== undefined) {
    // A browser that adds an x-amz-* header the URL did not sign (x-amz-meta-*, a checksum)
    // would change what is stored without the signer's consent: S3 refuses it.
    const unsigned = Object.keys(request.headers).filter((name) => name.startsWith('x-amz-') && !presented.signedHeaders.includes(name));
    if (unsigned.length > 0) {
      throw new S3Error(403, 'AccessDenied', 'There were headers present in the request which were not signed', {
        HeadersNotSigned: unsigned.join(', '),
      });
    }
  }
  const headers = presented.signedHeaders.map((name) => [name, (request.headersDistinct[name] ?? []).join(',')] as const);
  const canonical = canonicalRequest({ method: request.method ?? 'GET', rawPath, rawQuery, headers, payloadHash: presented.payloadHash });
  const expected = sign(signingKey(secret, scope), stringToSign(amzDate, scope, canonical));
  if (!signaturesMatch(expected, presented.signature)) throw signatureDoesNotMatch({ AWSAccessKeyId: scope.accessKeyId });
  return { payloadHash: presented.payloadHash, presigned: presented.expires !== undefined };
}

/** `2024-01-31T23:59:59Z`, as S3 writes times in errors. */
function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/s3/aws4_request, SignedHeaders=a;b, Signature=hex` */
function fromHeader(request: IncomingMessage): Presented {
  const malformed = (reason: string) =>
    new S3Error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; ${reason}`);
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('AWS4-HMAC-SHA256 ')) {
    throw new S3Error(400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  }
  const parts = new Map<string, string>();
  for (const part of header.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const [name, ...value] = part.trim().split('=');
    parts.set(name!, value.join('='));
  }
  const scope = parseCredential(parts.get('Credential') ?? '');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (!scope || !signedHeaders || !signature) throw malformed('expecting Credential, SignedHeaders and Signature.');
  const amzDate = request.headersDistinct['x-amz-date']?.[0] ?? '';
  const payloadHash = request.headers['x-amz-content-sha256'];
  if (typeof payloadHash !== 'string') {
    throw new S3Error(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  return { scope, amzDate, signedHeaders: signedHeaders.split(';'), signature, payloadHash, malformed };
}

/** A presigned URL: `?X-Amz-Algorithm=...&X-Amz-Credential=...&X-Amz-Date=...&X-Amz-Expires=...&X-Amz-SignedHeaders=...&X-Amz-Signature=...` */
function fromQuery(query: URLSearchParams): Presented {
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    throw new S3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const scope = parseCredential(query.get('X-Amz-Credential') ?? '');
  if (!scope) throw credentialParameterError(MALFORMED_CREDENTIAL);
  const expires = Number(query.get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires < 1 || expires > 604800) {
    throw new S3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be between 1 and 604800 seconds.');
  }
  return {
    scope,
    amzDate: query.get('X-Amz-Date') ?? '',
    signedHeaders: (query.get('X-Amz-SignedHeaders') ?? 'host').split(';'),
    signature: query.get('X-Amz-Signature') ?? '',
    payloadHash: query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
    expires,
    malformed: credentialParameterError,
  };
}

/** `20240131T235959Z` as epoch milliseconds. */
function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
