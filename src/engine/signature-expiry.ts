/** When a signature was made and when storage stops taking it, as the signed request itself says; epoch ms. */
export interface SignatureTimes {
  signedAt?: number;
  expires?: number;
}

/** A signed request as far as its times go: a POST plan's form fields, or a PUT's (or part's) query URL. */
export interface SignedRequest {
  url: string;
  fields?: ReadonlyArray<readonly [name: string, value: string]>;
}

// SigV4 query signing, S3's and GCS's: the date it was signed and the seconds it lives.
const QUERY_SIGNATURES = [
  ['x-amz-date', 'x-amz-expires'],
  ['x-goog-date', 'x-goog-expires'],
] as const;

/**
 * The times a presigned request carries, so the expiry is known when a sign answer does not
 * say it: a POST policy's `expiration` and its `X-Amz-Date` field, or a SigV4 query URL's
 * `X-Amz-Date` + `X-Amz-Expires`. Anything malformed is left out, never an error.
 */
export function signatureTimes({ url, fields }: SignedRequest): SignatureTimes {
  return fields ? formTimes(fields) : urlTimes(url);
}

/** When a SigV4 presigned URL expires (X-Amz-Date plus X-Amz-Expires), epoch ms. */
export function urlExpiry(url: string): number | undefined {
  return urlTimes(url).expires;
}

function urlTimes(url: string): SignatureTimes {
  let query: URLSearchParams;
  try {
    // Plans hold absolute URLs: the backend resolved them against the page.
    query = new URL(url).searchParams;
  } catch {
    return {};
  }
  // Names are matched without case: signers differ, and nothing else in a URL looks like them.
  const lower = new Map([...query].map(([name, value]) => [name.toLowerCase(), value]));
  for (const [dateName, expiresName] of QUERY_SIGNATURES) {
    const signedAt = amzDate(lower.get(dateName));
    if (signedAt === undefined) continue;
    const seconds = lower.get(expiresName) ?? '';
    return /^\d{1,9}$/.test(seconds) ? { signedAt, expires: signedAt + Number(seconds) * 1000 } : { signedAt };
  }
  return {};
}

function formTimes(fields: ReadonlyArray<readonly [string, string]>): SignatureTimes {
  const field = (name: string) => fields.find(([candidate]) => candidate.toLowerCase() === name)?.[1];
  const times: SignatureTimes = {};
  const signedAt = amzDate(field('x-amz-date'));
  if (signedAt !== undefined) times.signedAt = signedAt;
  const expires = policyExpiration(field('policy'));
  if (expires !== undefined) times.expires = expires;
  return times;
}

/** The `expiration` of a base64 JSON POST policy. */
function policyExpiration(policy: string | undefined): number | undefined {
  if (!policy) return undefined;
  try {
    const document: unknown = JSON.parse(atob(policy.replace(/\s+/g, '')));
    const expiration = (document as { expiration?: unknown } | null)?.expiration;
    if (typeof expiration !== 'string') return undefined;
    const time = Date.parse(expiration);
    return Number.isNaN(time) ? undefined : time;
  } catch {
    return undefined;
  }
}

/** `YYYYMMDDThhmmssZ`, the basic ISO 8601 form SigV4 signs with. */
function amzDate(value: string | undefined): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls month 13 or second 61 over instead of refusing it: only a date that reads back the same counts.
  return new Date(time).toISOString().replace(/[-:]|\.\d{3}/g, '') === value ? time : undefined;
}
