/**
 * Where a handler puts keys and which keys it takes back: one folder for everyone, or a function
 * of the caller's context (from `authorize`) and the request, checked on every call.
 */
export type KeyPrefix<Context> = string | ((context: Context, request: Request) => string);

/** What makes a prefix unsafe as a scope: it would escape or alias another folder, or leave S3 a variable to fill in. */
const UNSAFE_PREFIX: ReadonlyArray<readonly [test: (prefix: string) => boolean, why: string]> = [
  [(prefix) => prefix.startsWith('/'), 'starts with "/"'],
  [(prefix) => prefix.includes('${'), 'contains "${"'],
  [(prefix) => /[\u0000-\u001f\u007f]/.test(prefix), 'contains a control character'],
  [(prefix) => prefix.split('/').some(isDotSegment), 'has a "." or ".." segment'],
  [(prefix) => prefix.includes('\\'), 'contains "\\"'],
  [(prefix) => /\/\//.test(prefix), 'has an empty segment ("//")'],
];

/**
 * The prefix as a folder: '' (the whole bucket) or ending in '/', so that `users/1` never takes
 * `users/10/…`. Throws a TypeError naming the rule it breaks: a bad prefix is the server's bug.
 */
export function checkKeyPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string') throw new TypeError(`presigned-uploader/server: \`keyPrefix\` must be a string, not ${typeof prefix}.`);
  const broken = UNSAFE_PREFIX.find(([test]) => test(prefix));
  if (broken) throw new TypeError(`presigned-uploader/server: \`keyPrefix\` ${JSON.stringify(prefix)} ${broken[1]}.`);
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** `.` and `..`, also percent-encoded (`%2e%2e`): URL resolvers and proxies decode them before they resolve them. */
export function isDotSegment(segment: string): boolean {
  const decoded = segment.replace(/%2e/gi, '.');
  return decoded === '.' || decoded === '..';
}
