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

/**
 * The times a presigned request carries, so the expiry is known when a sign answer does not
 * say it: a POST policy's `expiration` and its `X-Amz-Date` field, or a SigV4 query URL's
 * `X-Amz-Date` + `X-Amz-Expires`. Anything malformed is left out, never an error.
 */
export function signatureTimes({ url, fields }: SignedRequest): SignatureTimes {
  let params: Iterable<readonly [string, string]>;
  try {
    // Plans hold absolute URLs: the backend resolved them against the page.
    params = fields ?? new URL(url).searchParams;
  } catch {
    return {};
  }
  // Form fields are matched without case, as S3 does; query names too, since signers differ.
  const named = new Map([...params].map(([name, value]) => [name.toLowerCase(), value]));
  const signedAt = amzDate(named.get('x-amz-date'));
  const seconds = named.get('x-amz-expires') ?? '';
  const expires = fields
    ? policyExpiration(named.get('policy'))
    : signedAt !== undefined && /^\d{1,9}$/.test(seconds)
      ? signedAt + Number(seconds) * 1000
      : undefined;
  return { ...(signedAt !== undefined && { signedAt }), ...(expires !== undefined && { expires }) };
}

/** When a SigV4 presigned URL expires (X-Amz-Date plus X-Amz-Expires), epoch ms. */
export function urlExpiry(url: string): number | undefined {
  return signatureTimes({ url }).expires;
}

/** The `expiration` of a base64 JSON POST policy. */
function policyExpiration(policy: string | undefined): number | undefined {
  try {
    const { expiration } = JSON.parse(atob(policy ?? '')) as { expiration?: unknown };
    return typeof expiration === 'string' ? validTime(Date.parse(expiration)) : undefined;
  } catch {
    return undefined;
  }
}

/** `YYYYMMDDThhmmssZ`, the basic ISO 8601 form SigV4 signs with. */
function amzDate(value = ''): number | undefined {
  const iso = /^\d{8}T\d{6}Z$/.test(value) ? value.replace(/^(....)(..)(..)T(..)(..)/, '$1-$2-$3T$4:$5:') : '';
  // Date.parse refuses month 13 or hour 25 (an empty string too), but rolls 31 February over.
  return validTime(Date.parse(iso));
}

function validTime(time: number): number | undefined {
  return Number.isNaN(time) ? undefined : time;
}
