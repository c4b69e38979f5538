// examples/: each one built as a user would (Vite, the example's own config; the plain HTML page
// with the standalone file), opened in headless Chromium and used for real: the page asks the demo
// backend for a presigned POST, the file goes to the dev storage, the register call follows, and
// the example's own UI lists the stored key. Proves, per framework, that its event bindings reach
// the element's CustomEvents and that `headers` arrives as a property (it goes out as a header).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { startDemoBackend, type DemoBackend } from '../../demo/backend/demo-backend.js';
import { encodeKeyPath } from '../../demo/dev-storage/request-target.js';
import { CHROMIUM_ARGS } from '../helpers/chrome-launcher.mjs';
import { folder, startStaticServer, type StaticServer } from '../helpers/node/static-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'Bearer example-token';
/** The test backend refuses to sign files whose name starts with this: each example shows the `upload-error`. */
const REFUSED = 'refused';

let backend: DemoBackend;
let dataDir: string;
let out: string;
let browser: Browser;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pu-examples-data-'));
  out = await mkdtemp(join(tmpdir(), 'pu-examples-build-'));
  backend = await startDemoBackend({ dataDir });
  browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await backend?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

interface ExampleServer extends StaticServer {
  /** The Authorization header of each call to the backend, by path. */
  authorization: Array<{ path: string; value: string | undefined }>;
}

/**
 * Serves files (`fileFor` maps a URL path to a file) and passes /api on to the demo backend, as
 * `npm start`'s Vite proxy does: the examples call /api/sign and /api/register on their own origin.
 */
async function serve(fileFor: (pathname: string) => string | undefined): Promise<ExampleServer> {
  const authorization: ExampleServer['authorization'] = [];

  const api = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    authorization.push({ path, value: req.headers.authorization });
    if (path === '/api/sign' && String(JSON.parse(body.toString() || '{}').filename).startsWith(REFUSED)) {
      res.writeHead(403, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'refused by the test backend' }));
      return;
    }
    const forward = request(`${backend.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.writeHead(502).end());
    forward.end(body);
  };

  const server = await startStaticServer(fileFor, (req, res, path) => {
    if (!path.startsWith('/api/')) return false;
    api(req, res, path).catch(() => res.writeHead(500).end());
    return true;
  });
  return { ...server, authorization };
}

/** Builds examples/NAME with its own vite.config.ts into a temp folder. */
async function buildExample(name: string): Promise<string> {
  const outDir = join(out, name);
  await build({ configFile: join(root, 'examples', name, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  return outDir;
}

interface Outcome {
  completed: string[];
  errors: string[];
  headers: unknown;
  headersAttribute: boolean;
  registerEndpointAttribute: string | null;
}

/** Opens the example, adds a good and a refused file, and waits for its UI to list both outcomes. */
async function useExample(url: string): Promise<Outcome> {
  const context = await browser.newContext();
  const page: Page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    await page.goto(url);
    await page.waitForFunction("customElements.get('presigned-uploader') !== undefined", undefined, { timeout: 10_000 });
    const uploader = page.locator('presigned-uploader');
    // In the page: addFiles is the element's method, File the browser's.
    await uploader.evaluate(
      (el: { addFiles(files: Iterable<File>): void }, refused) =>
        el.addFiles([new File(['hello from a test'], 'hello.txt', { type: 'text/plain' }), new File(['no'], `${refused}.txt`, { type: 'text/plain' })]),
      REFUSED,
    );
    await page.locator('#completed li').first().waitFor({ timeout: 15_000 });
    await page.locator('#errors li').first().waitFor({ timeout: 15_000 });
    const outcome = await uploader.evaluate((el: { headers: unknown; hasAttribute(name: string): boolean; getAttribute(name: string): string | null }) => ({
      headers: el.headers,
      headersAttribute: el.hasAttribute('headers'),
      registerEndpointAttribute: el.getAttribute('register-endpoint'),
    }));
    const completed = await page.locator('#completed li').allTextContents();
    const errors = await page.locator('#errors li').allTextContents();
    assert.deepEqual(pageErrors, []);
    return { ...outcome, completed, errors };
  } catch (error) {
    // A timeout says little by itself; the page's own errors usually say why.
    if (pageErrors.length > 0) (error as Error).message += `\npage errors:\n${pageErrors.join('\n')}`;
    throw error;
  } finally {
    await context.close();
  }
}

/** What every example must show: one stored key, one refusal, both through its own handlers. */
function assertUploaded(outcome: Outcome): void {
  assert.equal(outcome.completed.length, 1, `one completed key: ${outcome.completed}`);
  // No X-Demo-User header: the demo backend's first user.
  assert.match(outcome.completed[0]!, /^uploads\/users\/ada\/.*hello\.txt$/);
  assert.equal(outcome.errors.length, 1, `one error: ${outcome.errors}`);
  assert.match(outcome.errors[0]!, new RegExp(`^${REFUSED}\\.txt: sign: `));
  assert.equal(outcome.registerEndpointAttribute, '/api/register');
}

/** The stored object really is there, with the bytes the page sent. */
async function assertStored(key: string): Promise<void> {
  const { endpoint, bucket } = backend.storage;
  const response = await fetch(`${endpoint}/${bucket}/${encodeKeyPath(key)}`);
  assert.equal(response.status, 200, `GET ${key}`);
  assert.equal(await response.text(), 'hello from a test');
}

/** React and Vue set `headers` as a property: it reads back as the object, no attribute exists, and the backend got it. */
function assertHeadersProperty(outcome: Outcome, server: ExampleServer): void {
  assert.deepEqual(outcome.headers, { Authorization: TOKEN });
  assert.equal(outcome.headersAttribute, false);
  const calls = server.authorization.filter((call) => !call.path.startsWith('/api/objects'));
  assert.ok(calls.some((call) => call.path === '/api/sign'));
  assert.ok(calls.some((call) => call.path === '/api/register'));
  for (const call of calls) assert.equal(call.value, TOKEN, `${call.path} carried the headers property`);
}

describe('examples, built and used in Chromium', { timeout: 60_000 }, () => {
  it('plain-html: the standalone file, attributes and an event listener', async () => {
    // `vite build --mode standalone` as `npm run build` runs it, into a temp dist/.
    const dist = join(out, 'dist');
    await build({ root, configFile: join(root, 'vite.config.ts'), mode: 'standalone', logLevel: 'silent', build: { outDir: dist, emptyOutDir: true } });
    const page = join(root, 'examples', 'plain-html', 'index.html');
    const server = await serve((path) => {
      if (path === '/examples/plain-html/' || path === '/examples/plain-html/index.html') return page;
      if (path === '/dist/presigned-uploader.standalone.js') return join(dist, 'presigned-uploader.standalone.js');
      return undefined;
    });
    try {
      const outcome = await useExample(`${server.url}/examples/plain-html/`);
      assertUploaded(outcome);
      await assertStored(outcome.completed[0]!);
    } finally {
      await server.close();
    }
  });

  for (const [name, how] of [
    ['react', 'React 19 sets headers as a property and listens with onupload-complete / onupload-error'],
    ['vue', 'Vue 3 sets :headers.prop and listens with @upload-complete / @upload-error'],
  ] as const) {
    it(`${name}: ${how}`, async () => {
      const server = await serve(folder(await buildExample(name)));
      try {
        const outcome = await useExample(`${server.url}/`);
        assertUploaded(outcome);
        assertHeadersProperty(outcome, server);
        await assertStored(outcome.completed[0]!);
      } finally {
        await server.close();
      }
    });
  }

  it('react: the JSX typings of <presigned-uploader> check (tsc -p examples/react)', async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', join(root, 'examples', 'react')], { cwd: root }).catch(
      (error: { stdout?: string }) => assert.fail(`tsc -p examples/react:\n${error.stdout}`),
    );
  });
});
