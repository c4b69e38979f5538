import { SignRefusal } from './sign-refusal.js';

/**
 * An origin check for `authorize`, for handlers whose callers are known by a cookie: a browser
 * sends the cookie with a request that another site's page makes, so refuse pages of other sites.
 * `const checkOrigin = allowedOrigins(['https://app.example'])`, then `checkOrigin(request)` first
 * thing in `authorize`. Throws SignRefusal 403 `OriginNotAllowed` for an `Origin` header not in
 * the list (and for `Origin: null`, sandboxed and file pages); without `Origin`, for a browser's
 * `Sec-Fetch-Site: cross-site`. A request with neither comes from no browser, where a cookie is
 * no ambient authority: it passes, and `authorize` decides.
 * Throws a TypeError now for an entry that is not an origin (`https://host[:port]`, no path).
 */
export function allowedOrigins(origins: readonly string[]): (request: Request) => void {
  const allowed = new Set(origins.map(checkOrigin));
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin !== null ? allowed.has(origin) : request.headers.get('sec-fetch-site') !== 'cross-site') return;
    throw new SignRefusal(403, 'OriginNotAllowed', `Requests from ${origin ?? 'another site'} are not allowed here.`);
  };
}

function checkOrigin(origin: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.origin !== origin) {
    throw new TypeError(`presigned-uploader/server: allowedOrigins: ${JSON.stringify(origin)} is not an origin such as "https://app.example".`);
  }
  return origin;
}
