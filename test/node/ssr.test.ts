// Importing the package where there is no DOM (SSR, a Node script) must not throw: Lit's `node`
// build gives a minimal HTMLElement and a registry shim, and our define module guards the registry.
// (That every `exports` entry is built, published and loads: test/node/package.test.ts.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
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
