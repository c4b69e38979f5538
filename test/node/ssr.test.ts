// Importing the package where there is no DOM (SSR, a Node script) must not throw: Lit's `node`
// build gives a minimal HTMLElement and a registry shim, and our define module guards the registry.
// Also: every file the package.json `exports` map names is one that `npm run build` produces.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createElement, type FunctionComponent } from 'react';
import { renderToString } from 'react-dom/server';
import { createServer } from 'vite';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Imports src/ browser code untyped: this file is checked against Node's types, without the DOM. */
const importSrc = (path: string): Promise<Record<string, unknown>> => import(new URL(`../../src/${path}`, import.meta.url).href);

/** The registry Lit's Node build installs (Node's own types know of none). */
const registry = () => (globalThis as { customElements?: { get(name: string): unknown } }).customElements;

/** Runs an ES module snippet in a fresh Node process (with tsx, so it can import src/). */
async function runInNode(code: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root });
  return stdout.trim();
}

describe('SSR: importing in Node, without a DOM', () => {
  it('has no DOM here', () => {
    assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
    assert.equal(typeof (globalThis as { window?: unknown }).window, 'undefined');
  });

  it('src/index.ts imports, exports the class and defines nothing', async () => {
    const index = await importSrc('index.ts');
    assert.equal(typeof index.PresignedUploaderElement, 'function');
    assert.equal(typeof index.toUploadPlan, 'function');
    assert.equal(typeof index.UploadError, 'function');
    // Lit's Node build installed its registry shim; index.ts has no side effect on it.
    assert.ok(registry(), 'Lit installed its registry shim');
    assert.equal(registry()!.get('presigned-uploader'), undefined);
  });

  it('src/presigned-uploader.ts imports and defines the element in the registry shim', async () => {
    const define = await importSrc('presigned-uploader.ts');
    const index = await importSrc('index.ts');
    assert.equal(define.PresignedUploaderElement, index.PresignedUploaderElement);
    assert.equal(registry()?.get('presigned-uploader'), define.PresignedUploaderElement);
  });

  it('leaves a definition made earlier (another bundle) in place', async () => {
    const out = await runInNode(`
      const { LitElement } = await import('lit');
      class Other extends LitElement {}
      customElements.define('presigned-uploader', Other);
      const { PresignedUploaderElement } = await import('./src/presigned-uploader.ts');
      console.log(customElements.get('presigned-uploader') === Other, typeof PresignedUploaderElement);
    `);
    assert.equal(out, 'true function');
  });

  it('renders the React example on the server (Vite SSR, renderToString)', async () => {
    const vite = await createServer({
      configFile: join(root, 'examples', 'react', 'vite.config.ts'),
      logLevel: 'silent',
      appType: 'custom',
      server: { middlewareMode: true, hmr: false, ws: false },
    });
    try {
      const { App } = (await vite.ssrLoadModule('/App.tsx')) as { App: FunctionComponent };
      const html = renderToString(createElement(App));
      // Primitives become attributes; the headers object and the handlers wait for the browser.
      assert.match(html, /<presigned-uploader endpoint="\/api\/sign" register-endpoint="\/api\/register" multiple=""><\/presigned-uploader>/);
    } finally {
      await vite.close();
    }
  });
});

describe('package.json exports', () => {
  let copy: string | undefined;
  after(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  /** Every file path in an exports value, whatever its conditions. */
  function targets(value: unknown): string[] {
    if (typeof value === 'string') return [value];
    if (value && typeof value === 'object') return Object.values(value).flatMap(targets);
    return [];
  }

  it('names only files that `npm run build` produces, and resolves for an importer', { timeout: 90_000 }, async () => {
    // Build in a copy: the real dist/ is someone's working tree.
    copy = await mkdtemp(join(tmpdir(), 'pu-pack-'));
    const pkgDir = join(copy, 'presigned-uploader');
    await mkdir(pkgDir);
    for (const name of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'vite.config.ts', 'custom-elements-manifest.config.mjs', 'src']) {
      await cp(join(root, name), join(pkgDir, name), { recursive: true });
    }
    await symlink(join(root, 'node_modules'), join(pkgDir, 'node_modules'), 'dir');
    await run('npm', ['run', 'build', '--silent'], { cwd: pkgDir, env: { ...process.env, NODE_ENV: 'production' } });

    const pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      files: string[];
      customElements: string;
      types: string;
    };
    const files = [...Object.values(pkg.exports).flatMap(targets), pkg.types, pkg.customElements];
    for (const file of files) {
      assert.ok(file.startsWith('./') || !file.includes('/'), `${file} is relative to the package`);
      const info = await stat(join(pkgDir, file)).catch(() => undefined);
      assert.ok(info?.isFile(), `${file} (in package.json) is built`);
      const top = file.replace(/^\.\//, '').split('/')[0]!;
      assert.ok(top === 'package.json' || pkg.files.includes(top), `${file} is published (package.json "files")`);
    }

    // An app next to the package resolves each entry with Node's import conditions.
    const app = join(copy, 'app');
    await mkdir(join(app, 'node_modules'), { recursive: true });
    await symlink(pkgDir, join(app, 'node_modules', 'presigned-uploader'), 'dir');
    const specifiers = Object.keys(pkg.exports).map((key) => key.replace(/^\./, 'presigned-uploader'));
    await writeFile(join(app, 'resolve.mjs'), `console.log(JSON.stringify(${JSON.stringify(specifiers)}.map((s) => import.meta.resolve(s))));`);
    const { stdout } = await run(process.execPath, ['resolve.mjs'], { cwd: app });
    const resolved = JSON.parse(stdout) as string[];
    assert.equal(resolved.length, specifiers.length);
    for (const [i, url] of resolved.entries()) {
      const info = await stat(fileURLToPath(url)).catch(() => undefined);
      assert.ok(info?.isFile(), `${specifiers[i]} resolves to a file (${url})`);
    }
    assert.match(resolved[specifiers.indexOf('presigned-uploader')]!, /\/dist\/index\.js$/);
  });
});
