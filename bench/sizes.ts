// Weight: gzip -9 (zlib) of what `npm run build` wrote, and a per-module breakdown of the
// standalone file from its source map (each minified byte goes to the source its mapping names).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decode } from '@jridgewell/sourcemap-codec';

const gzipSize = (data: string | Buffer) => gzipSync(data, { level: 9 }).length;

export interface GroupSize {
  group: string;
  /** Minified characters of the standalone file mapped to this group. */
  raw: number;
  /** gzip -9 of those characters alone, concatenated in file order. */
  gzipAlone: number;
  /** The group's share of the standalone file's gzip, by its share of gzip-alone sizes. */
  gzipShare: number;
}

export interface Sizes {
  standalone: { raw: number; gzip: number };
  /** The npm library build (lit and zod left as imports) as published, code unminified and Lit templates minified: its browser files. */
  library: { files: string[]; raw: number; gzip: number };
  /** Minified, from the standalone file: everything but lit (src/ and zod). */
  ownWithZod: { raw: number; gzip: number };
  /** Minified, from the standalone file: src/ only. */
  ownSrc: { raw: number; gzip: number };
  groups: GroupSize[];
}

const GROUPS: Array<[string, RegExp]> = [
  ['lit', /node_modules\/(?:lit|lit-html|lit-element|@lit\/[^/]+)\//],
  ['zod', /node_modules\/zod\//],
  ['engine', /src\/engine\//],
  ['backend', /src\/backend\//],
  ['ui', /src\/ui\//],
  ['i18n', /src\/i18n\//],
  ['styles', /src\/presigned-uploader\.styles\.ts$/],
  ['element', /src\/[^/]+\.ts$/],
];
const groupOf = (source: string) => GROUPS.find(([, pattern]) => pattern.test(source))?.[0] ?? 'unmapped';

/** The characters of `code` in file order, each piece with the group its source map names. */
function attribute(code: string, map: { sources: string[]; mappings: string }): Array<[string, string]> {
  const parts: Array<[string, string]> = [];
  const add = (group: string, text: string) => parts.push([group, text]);
  const lines = code.split('\n');
  const mapped = decode(map.mappings);
  // A mapping holds until the next segment, across lines: the lines of a multi-line template
  // literal (Lit's css and html) have no segments of their own.
  let current = 'unmapped';
  for (let line = 0; line < lines.length; line++) {
    const text = lines[line]!;
    let cursor = 0;
    for (const segment of mapped[line] ?? []) {
      const [column, source] = segment;
      if (column > cursor) add(current, text.slice(cursor, column));
      cursor = Math.max(cursor, column);
      current = source === undefined ? 'unmapped' : groupOf(map.sources[source]!);
    }
    add(current, text.slice(cursor) + '\n');
  }
  return parts;
}

/** The standalone file's gzip size, and that of its own code (src/ only) and of everything but lit. */
export function measureStandalone(dir: string): Pick<Sizes, 'standalone' | 'ownWithZod' | 'ownSrc' | 'groups'> {
  const code = readFileSync(join(dir, 'presigned-uploader.standalone.js'), 'utf8');
  const map = JSON.parse(readFileSync(join(dir, 'presigned-uploader.standalone.js.map'), 'utf8')) as { sources: string[]; mappings: string };
  const standalone = { raw: Buffer.byteLength(code), gzip: gzipSize(code) };

  const parts = attribute(code, map);
  // In file order, so gzip sees the neighbours it sees in the real file.
  const joined = (keep: (group: string) => boolean) =>
    parts
      .filter(([group]) => keep(group))
      .map(([, text]) => text)
      .join('');
  const alone = [...new Set(parts.map(([group]) => group))].map((group) => ({ group, text: joined((g) => g === group) }));
  const aloneTotal = alone.reduce((sum, { text }) => sum + gzipSize(text), 0);
  const groups = alone
    .map(({ group, text }) => {
      const gzipAlone = gzipSize(text);
      return { group, raw: Buffer.byteLength(text), gzipAlone, gzipShare: Math.round((standalone.gzip * gzipAlone) / aloneTotal) };
    })
    .sort((a, b) => b.raw - a.raw);

  const ownWithZodText = joined((group) => group !== 'lit');
  const ownSrcText = joined((group) => !['lit', 'zod'].includes(group));
  return {
    standalone,
    ownWithZod: { raw: Buffer.byteLength(ownWithZodText), gzip: gzipSize(ownWithZodText) },
    ownSrc: { raw: Buffer.byteLength(ownSrcText), gzip: gzipSize(ownSrcText) },
    groups,
  };
}

export function measureSizes(root: string): Sizes {
  const dist = join(root, 'dist');
  const files = [
    'index.js',
    'presigned-uploader.js',
    ...readdirSync(join(dist, 'chunks'))
      .filter((name) => name.endsWith('.js'))
      .map((name) => `chunks/${name}`),
  ];
  const library = files.map((file) => readFileSync(join(dist, file)));
  return {
    ...measureStandalone(dist),
    library: { files, raw: library.reduce((sum, data) => sum + data.length, 0), gzip: gzipSize(Buffer.concat(library)) },
  };
}
