// Runs inside the temp app: imports every entry of the installed package's `exports` map and
// prints `{ [specifier]: "ok" | error message }`.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const manifest = JSON.parse(await readFile(fileURLToPath(import.meta.resolve('presigned-uploader/package.json')), 'utf8'));
const results = {};
for (const entry of Object.keys(manifest.exports)) {
  const specifier = entry.replace(/^\./, 'presigned-uploader');
  try {
    await (specifier.endsWith('.json') ? import(specifier, { with: { type: 'json' } }) : import(specifier));
    results[specifier] = 'ok';
  } catch (error) {
    results[specifier] = String(error?.message ?? error);
  }
}
console.log(JSON.stringify(results));
