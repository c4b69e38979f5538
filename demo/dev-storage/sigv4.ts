import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from './s3-error.js';

/** The parts of an `X-Amz-Credential` value: `AKID/20240131/us-east-1/s3/aws4_request`. */
export interface CredentialScope {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
}

/** Who may sign, and for where: what a verifier checks a signature against. */
export interface SigningKeys {
  /** The region signatures must be scoped to. */
  region: string;
  /** The secret of a known access key, or undefined. */
  secretFor(accessKeyId: string): string | undefined;
}

/** The scope named by an `X-Amz-Credential` field, or undefined when it is not one. */
export function parseCredential(credential: string): CredentialScope | undefined {
  // The access key id is everything before the last four parts, as AWS reads it.
  const parts = credential.split('/');
  if (parts.length < 5) return undefined;
  const [date, region, service, terminal] = parts.slice(-4) as [string, string, string, string];
  const accessKeyId = parts.slice(0, -4).join('/');
  if (!accessKeyId || !/^\d{8}$/.test(date) || !region || !service || terminal !== 'aws4_request') return undefined;
  return { accessKeyId, date, region, service };
}

/**
 * The secret a signature under `scope` was made with: the access key must be known and the scope
 * must name this region. `malformed` words the region refusal for the kind of request checked.
 */
export function secretForScope(scope: CredentialScope, keys: SigningKeys, malformed: (reason: string) => S3Error): string {
  const secret = keys.secretFor(scope.accessKeyId);
  if (secret === undefined) {
    throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: scope.accessKeyId,
    });
  }
  if (scope.region !== keys.region) throw malformed(`the region '${scope.region}' is wrong; expecting '${keys.region}'`);
  return secret;
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** SigV4's derived key: HMAC chain over date, region and service, seeded with the secret. */
export function signingKey(secretAccessKey: string, scope: Pick<CredentialScope, 'date' | 'region' | 'service'>): Buffer {
  const dateKey = hmac(`AWS4${secretAccessKey}`, scope.date);
  return hmac(hmac(hmac(dateKey, scope.region), scope.service), 'aws4_request');
}

/**
 * SigV4's last step, hex HMAC-SHA256 with the derived key. A POST signs the base64 policy text
 * itself; a request signs its string to sign (see stringToSign).
 */
export function sign(key: Buffer, text: string): string {
  return hmac(key, text).toString('hex');
}

/** Compares signatures in constant time, so response timing does not leak how much of a guess was right. */
export function signaturesMatch(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** RFC 3986 encoding as SigV4 (and the AWS SDK's `escapeUri`) does it: only A-Z a-z 0-9 - . _ ~ stay as they are. */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface CanonicalRequestParts {
  method: string;
  /** The path as sent, still percent-encoded. */
  rawPath: string;
  /** The query as sent, without `?`. */
  rawQuery: string;
  /** Lowercase names, in SignedHeaders order, with their values. */
  headers: ReadonlyArray<readonly [string, string]>;
  payloadHash: string;
}

/**
 * SigV4's canonical request, S3 flavour: the path is encoded once and never normalized
 * (`..` is part of a key), the query is sorted without X-Amz-Signature.
 */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  const path = parts.rawPath.split('/').map((segment) => encodeRfc3986(safeDecode(segment))).join('/');
  return [
    parts.method,
    path,
    canonicalQuery(parts.rawQuery),
    // The header block ends with its own newline, hence the empty line before SignedHeaders.
    parts.headers.map(([name, value]) => `${name}:${value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim()}\n`).join(''),
    parts.headers.map(([name]) => name).join(';'),
    parts.payloadHash,
  ].join('\n');
}

function canonicalQuery(rawQuery: string): string {
  const byKey = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = encodeRfc3986(safeDecode(equals === -1 ? pair : pair.slice(0, equals)));
    if (key.toLowerCase() === 'x-amz-signature') continue;
    const value = encodeRfc3986(safeDecode(equals === -1 ? '' : pair.slice(equals + 1)));
    byKey.set(key, [...(byKey.get(key) ?? []), `${key}=${value}`]);
  }
  return [...byKey.keys()]
    .sort()
    .flatMap((key) => byKey.get(key)!.sort())
    .join('&');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function stringToSign(amzDate: string, scope: CredentialScope, canonical: string): string {
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  return ['AWS4-HMAC-SHA256', amzDate, credentialScope, createHash('sha256').update(canonical, 'utf8').digest('hex')].join('\n');
}
