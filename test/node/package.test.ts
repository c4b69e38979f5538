// The package as users get it: `npm run build` in a copy of the sources, `npm pack`, then the
// tarball installed into an empty project next to only the documented peers (see the README's
// install table), offline from the npm cache when it can. In that project: publint and
// arethetypeswrong on the tarball, every `exports` entry imported in Node, the server entry
// signing a POST that the dev storage accepts (and answering PUT without its optional peer with a
// clear 500), a TypeScript consumer checked with skipLibCheck off, a Vite build of it, and the
// standalone file uploading a file in Chromium through the installed server entry.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, cp, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_ARGS } from '../helpers/chrome-launcher.mjs';
import { startTempDevStorage, type TempDevStorage } from '../helpers/node/temp-dev-storage.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const consumer = join(root, 'test', 'node', 'package-consumer');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const credentials = { accessKeyId: 'package-test-access', secretAccessKey: 'package-test-secret' };
const bucket = 'installed';

/** The peers the README's install table names for POST uploads; the PUT/multipart peer is left out on purpose. */
const POST_PEERS = ['@aws-sdk/client-s3', '@aws-sdk/s3-presigned-post'] as const;
/** Browser-only entries: the standalone file bundles Lit's browser build, which needs a DOM. */
const BROWSER_ONLY = ['presigned-uploader/standalone', 'presigned-uploader/presigned-uploader.standalone.js'];

let work: string;
let pkgDir: string;
let tarball: string;
let app: string;

/** The version this repository tests with, so that the install finds it in the npm cache. */
function installedVersion(name: string): string {
  return (createRequire(join(root, 'package.json'))(`${name}/package.json`) as { version: string }).version;
}

/** Every file path in an exports value, whatever its conditions. */
function targets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(targets);
  return [];
}

async function npmInstall(cwd: string): Promise<void> {
  const args = ['install', '--no-audit', '--no-fund', '--ignore-scripts'];
  try {
    await run('npm', [...args, '--offline'], { cwd });
  } catch (error) {
    // A cache without some package (a fresh CI machine): fetch what is missing.
    if (!/ENOTCACHED/.test(String((error as { stderr?: string }).stderr))) throw error;
    await run('npm', [...args, '--prefer-offline'], { cwd });
  }
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'pu-package-'));
  // Build in a copy: the real dist/ is someone's working tree.
  pkgDir = join(work, 'presigned-uploader');
  await mkdir(pkgDir);
  for (const name of ['package.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'vite.config.ts', 'custom-elements-manifest.config.mjs', 'src']) {
    await cp(join(root, name), join(pkgDir, name), { recursive: true });
  }
  await symlink(join(root, 'node_modules'), join(pkgDir, 'node_modules'), 'dir');
  await run('npm', ['run', 'build', '--silent'], { cwd: pkgDir, env: { ...process.env, NODE_ENV: 'production' } });
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: pkgDir });
  tarball = join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);

  app = join(work, 'app');
  await cp(consumer, app, { recursive: true });
  const dependencies = Object.fromEntries([['presigned-uploader', `file:${tarball}`], ...POST_PEERS.map((name) => [name, installedVersion(name)])]);
  // @types/node: the consumer is also a TypeScript Node server, and the server entry's types name node:http.
  const devDependencies = { '@types/node': installedVersion('@types/node') };
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies, devDependencies }));
  await npmInstall(app);
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

// The checks share the installed project read-only and do not depend on each other: run them at
// once, so the type check (the slowest: skipLibCheck off reads all of the AWS SDK's types) overlaps the rest.
describe('the package as installed from its tarball', { timeout: 180_000, concurrency: true }, () => {
  it('names only files that `npm run build` produces and `files` publishes', async () => {
    const pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; files: string[]; customElements: string; types: string };
    for (const file of [...Object.values(pkg.exports).flatMap(targets), pkg.types, pkg.customElements]) {
      assert.ok(file.startsWith('./') || !file.includes('/'), `${file} is relative to the package`);
      const info = await stat(join(app, 'node_modules', 'presigned-uploader', file)).catch(() => undefined);
      assert.ok(info?.isFile(), `${file} (in package.json) is in the installed package`);
    }
  });

  it('is clean under publint --strict and arethetypeswrong (ESM-only profile)', async () => {
    await run(bin('publint'), [pkgDir, '--strict']).catch((error: { stdout?: string }) => assert.fail(`publint:\n${error.stdout}`));
    await run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii']).catch((error: { stdout?: string }) =>
      assert.fail(`attw:\n${error.stdout}`),
    );
  });

  it('installs with the POST peers only: the presigner peer is not there', async () => {
    for (const name of POST_PEERS) await access(join(app, 'node_modules', name, 'package.json'));
    await assert.rejects(access(join(app, 'node_modules', '@aws-sdk', 's3-request-presigner')), 'the PUT/multipart peer must not be installed here');
  });

  it('loads every exports entry in Node, but the browser-only standalone file', async () => {
    const { stdout } = await run(process.execPath, ['entries.mjs'], { cwd: app });
    const results = JSON.parse(stdout) as Record<string, string>;
    for (const [specifier, result] of Object.entries(results)) {
      if (BROWSER_ONLY.includes(specifier)) continue;
      assert.equal(result, 'ok', `import('${specifier}')`);
    }
    assert.ok('presigned-uploader/server' in results);
  });

  it('type-checks a TypeScript consumer of the element, its events and the server types (skipLibCheck: false)', async () => {
    await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], { cwd: app }).catch(
      (error: { stdout?: string }) => assert.fail(`tsc -p consumer:\n${error.stdout}`),
    );
  });

  it('builds the consumer with Vite', async () => {
    const outDir = join(work, 'app-dist');
    await build({ root: app, configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    const script = /src="([^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'the built page loads a script');
    assert.match(await readFile(join(outDir, script), 'utf8'), /presigned-uploader/);
  });

  describe('the installed server entry against the dev storage', () => {
    let storage: TempDevStorage;
    let server: ChildProcess;
    let url: string;
    const logged: string[] = [];

    before(async () => {
      storage = await startTempDevStorage('pu-package-storage-', { ...credentials, region: 'us-east-1', buckets: [bucket] });
      server = spawn(process.execPath, ['serve.mjs'], {
        cwd: app,
        env: {
          ...process.env,
          STORAGE_URL: storage.url,
          BUCKET: bucket,
          ACCESS_KEY_ID: credentials.accessKeyId,
          SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      createInterface({ input: server.stderr! }).on('line', (line) => logged.push(line));
      const [line] = (await Promise.race([
        once(createInterface({ input: server.stdout! }), 'line'),
        once(server, 'exit').then(([code]) => assert.fail(`serve.mjs exited with ${code}:\n${logged.join('\n')}`)),
      ])) as [string];
      url = (JSON.parse(line) as { url: string }).url;
    });

    after(async () => {
      if (server && server.exitCode === null) {
        server.kill();
        await once(server, 'exit');
      }
      await storage?.close();
    });

    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

    it('signs a POST that the storage accepts', async () => {
      const bytes = 'signed by the installed package';
      const response = await post('/api/sign', { filename: 'note.txt', contentType: 'text/plain', size: bytes.length });
      assert.equal(response.status, 200);
      const plan = (await response.json()) as { url: string; fields: Record<string, string>; key: string };
      assert.match(plan.key, /^installed\/.+\/note\.txt$/);
      const form = new FormData();
      for (const [name, value] of Object.entries(plan.fields)) form.append(name, value);
      form.append('file', new Blob([bytes], { type: 'text/plain' }), 'note.txt');
      const stored = await fetch(plan.url, { method: 'POST', body: form });
      assert.equal(stored.status, 201, await stored.text());
      const object = await fetch(`${storage.url}/${bucket}/${plan.key.split('/').map(encodeURIComponent).join('/')}`);
      assert.equal(await object.text(), bytes);
    });

    it('answers a PUT sign 500 MissingDependency without the presigner peer, and logs one line naming it', async () => {
      const before = logged.length;
      const response = await post('/api/sign-put', { filename: 'note.txt', contentType: 'text/plain', size: 3 });
      assert.equal(response.status, 500);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'MissingDependency');
      const lines = logged.slice(before);
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0]!, /npm install @aws-sdk\/s3-request-presigner/);
    });

    it('uploads a file through presigned-uploader/standalone in Chromium', async () => {
      const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        await page.goto(url);
        await page.waitForFunction("customElements.get('presigned-uploader') !== undefined", undefined, { timeout: 10_000 });
        const done = await page.locator('presigned-uploader').evaluate(
          // In the page: typed loosely, since this file is checked against Node's types, without the DOM.
          (el: { addFiles(files: File[]): void; addEventListener(type: string, listener: (event: { detail: any }) => void): void }) =>
            new Promise<{ key?: string; error?: string }>((resolve) => {
              el.addEventListener('upload-complete', (event) => resolve({ key: event.detail.key }));
              el.addEventListener('upload-error', (event) => resolve({ error: JSON.stringify(event.detail.error) }));
              el.addFiles([new File(['from the browser'], 'browser.txt', { type: 'text/plain' })]);
            }),
        );
        assert.deepEqual(pageErrors, []);
        assert.equal(done.error, undefined);
        assert.match(done.key!, /^installed\/.+\/browser\.txt$/);
        const object = await fetch(`${storage.url}/${bucket}/${done.key!.split('/').map(encodeURIComponent).join('/')}`);
        assert.equal(await object.text(), 'from the browser');
      } finally {
        await browser.close();
      }
    });
  });
});
