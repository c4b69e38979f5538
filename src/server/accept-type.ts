import { mimeEssence } from './content-type.js';

/**
 * Whether a file passes an `accept` list written as for `<input accept>`:
 * `type/*`, exact MIME types and `.ext` suffixes, comma-separated, case-insensitive.
 * An empty or missing list accepts everything, as the input does.
 *
 * `.ext` rules look at the announced file name only, as browsers do; the stored
 * Content-Type is still pinned by the policy to the announced type.
 */
export function isAccepted(accept: string | undefined, contentType: string, filename: string): boolean {
  const rules = parseAccept(accept);
  if (rules.length === 0) return true;
  const type = mimeEssence(contentType);
  const name = filename.toLowerCase();
  return rules.some((rule) => {
    if (rule === '*' || rule === '*/*') return true;
    if (rule.startsWith('.')) return name.endsWith(rule);
    if (rule.endsWith('/*')) return type.startsWith(rule.slice(0, -1));
    return type === rule;
  });
}

/** The non-empty, lower-cased entries of an accept list, MIME parameters dropped. */
function parseAccept(accept: string | undefined): string[] {
  if (!accept) return [];
  return accept
    .split(',')
    .map((rule) => rule.split(';', 1)[0]!.trim().toLowerCase())
    .filter((rule) => rule !== '');
}
