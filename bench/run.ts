// `npm run bench`: weight of the builds, then uploads in headless Chromium against the demo
// backend and the embedded dev storage, each timing as a ratio to a baseline of the same run.
// Writes BENCHMARKS.md and bench/chart.svg. `--quick`: small sizes, one round (a smoke run).
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { startDemoBackend, type DemoBackend } from '../demo/backend/demo-backend.ts';
import { renderChart, renderReport, type Results } from './report.ts';
// The test runner's Chromium flags: no background traffic, exact heap figures and gc().
import { CHROMIUM_ARGS } from '../test/helpers/chrome-launcher.mjs';
import { folder, startStaticServer, type StaticServer } from '../test/helpers/node/static-server.ts';
import { measureSizes } from './sizes.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));
const quick = process.argv.includes('--quick');

/** The issue's sizes; `--quick` shrinks them to check the harness in seconds. */
const config = quick
  ? { bigBytes: 64 * 1024 ** 2, bigRounds: 1, manyCount: 100, manySize: 32 * 1024, manyRounds: 1, queued: 200, concurrency: 6 }
  : { bigBytes: 1024 ** 3, bigRounds: 3, manyCount: 500, manySize: 32 * 1024, manyRounds: 3, queued: 1000, concurrency: 6 };


const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function machine(browser: Browser): Promise<Results['machine']> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const debian = (await readFile('/etc/debian_version', 'utf8').catch(() => '')).trim();
  return {
    cpu: model.trim(),
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    freeGiB: Math.round((freemem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    chromium: browser.version(),
    os: `${process.platform} ${debian ? `Debian ${debian}` : ''}`.trim(),
  };
}

/** The bench page built by Vite in production mode: the element from src/, the baselines, Uppy. */
async function buildPage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: join(root, 'bench/page'),
    mode: 'production',
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, minify: true },
  });
}

/** A file of `bytes` on disk (not all zeros, so nothing along the way can shortcut it). */
async function makeBigFile(path: string, bytes: number): Promise<void> {
  const block = Buffer.alloc(16 * 1024 ** 2);
  for (let i = 0; i < block.length; i++) block[i] = (i * 131 + (i >> 12)) & 0xff;
  const out = createWriteStream(path);
  for (let written = 0; written < bytes; written += block.length) {
    const chunk = block.subarray(0, Math.min(block.length, bytes - written));
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** `curl -F` of the file to a presigned POST the backend signed (asked from Node); answers ms of curl's own transfer. */
async function curlUpload(backend: DemoBackend, path: string, bytes: number, name: string): Promise<number> {
  const response = await fetch(`${backend.url}/api/sign`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ filename: name, contentType: 'application/octet-stream', size: bytes }),
  });
  const answer = (await response.json()) as { url: string; fields: Record<string, string> };
  const args = ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}'];
  // --form-string: field values go out literally (no @file or <file reading).
  for (const [field, value] of Object.entries(answer.fields)) args.push('--form-string', `${field}=${value}`);
  args.push('-F', `file=@${path};type=application/octet-stream;filename=${name}`, answer.url);
  const { stdout } = await run('curl', args, { maxBuffer: 1024 * 1024 });
  const [status, seconds] = stdout.trim().split(' ');
  if (!status?.startsWith('2')) throw new Error(`curl: HTTP ${status}`);
  return Number(seconds) * 1000;
}

type Bench = Record<string, (...args: number[]) => Promise<Record<string, number>>>;
/** Calls `window.bench[name](...args)` in the page (the runner sees no DOM types: globalThis there). */
const call = (page: Page, name: string, ...args: number[]) =>
  page.evaluate(([fn, params]) => (globalThis as unknown as { bench: Bench }).bench[fn as string]!(...(params as number[])), [name, args] as const);

async function main(): Promise<void> {
  const started = Date.now();
  const work = await mkdtemp(join(tmpdir(), 'pu-bench-'));
  const dataDir = join(work, 'storage');
  let backend: DemoBackend | undefined;
  let browser: Browser | undefined;
  let site: StaticServer | undefined;
  try {
    log('npm run build');
    await run('npm', ['run', 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    const sizes = measureSizes(root);
    log(`standalone ${sizes.standalone.gzip} B gzip`);

    log('building the bench page (Vite, production)');
    const pageDir = join(work, 'page');
    await buildPage(pageDir);
    // No /api on this origin: the page calls the backend cross-origin, as a real site calls storage.
    site = await startStaticServer(folder(pageDir));
    backend = await startDemoBackend({ dataDir });
    browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${site.url}/?api=${encodeURIComponent(backend.url)}`);
    await page.waitForSelector('body[data-ready]');
    const heapAtStart = (await call(page, 'heap')) as unknown as number;

    log(`writing a ${config.bigBytes} byte file`);
    const bigPath = join(work, 'big.bin');
    await makeBigFile(bigPath, config.bigBytes);
    await page.setInputFiles('#picker', bigPath);

    // Warm-up (JIT, connections, the storage's first writes); not recorded.
    log('warm-up');
    await call(page, 'manyXhr', 20, config.manySize, config.concurrency);
    await call(page, 'manyUppy', 20, config.manySize, config.concurrency);
    await call(page, 'manyElement', 20, config.manySize, config.concurrency);
    await call(page, 'manyElementHeadless', 20, config.manySize, config.concurrency);

    const big = { curl: [] as number[], xhr: [] as number[], element: [] as number[], heapElement: [] as number[], heapXhr: [] as number[] };
    for (let round = 0; round < config.bigRounds; round++) {
      big.curl.push(await curlUpload(backend, bigPath, config.bigBytes, `curl-${round}.bin`));
      const xhr = await call(page, 'bigXhr');
      big.xhr.push(xhr.ms!);
      big.heapXhr.push(xhr.heapGrowth!);
      const element = await call(page, 'bigElement');
      big.element.push(element.ms!);
      big.heapElement.push(element.heapGrowth!);
      log(`big round ${round + 1}: curl ${big.curl.at(-1)!.toFixed(0)} ms, xhr ${xhr.ms!.toFixed(0)} ms, element ${element.ms!.toFixed(0)} ms`);
    }

    const many = { xhr: [] as number[], uppy: [] as number[], element: [] as number[], headless: [] as number[], heap: [] as Array<Record<string, number>> };
    const order = ['xhr', 'uppy', 'element', 'headless'] as const;
    const functions = { xhr: 'manyXhr', uppy: 'manyUppy', element: 'manyElement', headless: 'manyElementHeadless' } as const;
    for (let round = 0; round < config.manyRounds; round++) {
      // Rotated, so no contender always runs first (or last) in a round.
      for (let i = 0; i < order.length; i++) {
        const who = order[(i + round) % order.length]!;
        const result = await call(page, functions[who], config.manyCount, config.manySize, config.concurrency);
        many[who].push(result.ms!);
        if (who === 'element') many.heap.push(result);
      }
      log(
        `many round ${round + 1}: xhr ${many.xhr.at(-1)!.toFixed(0)} ms, uppy ${many.uppy.at(-1)!.toFixed(0)} ms, ` +
          `element ${many.element.at(-1)!.toFixed(0)} ms, headless ${many.headless.at(-1)!.toFixed(0)} ms`,
      );
    }

    log(`main thread: ${config.queued} files queued`);
    const mainThread = await call(page, 'mainThread', config.queued, config.manySize, config.concurrency);
    const heapAtEnd = (await call(page, 'heap')) as unknown as number;
    if (pageErrors.length > 0) throw new Error(`page errors:\n${pageErrors.join('\n')}`);

    const results: Results = {
      quick,
      config,
      date: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: await machine(browser),
      sizes,
      big: { ...big, median: { curl: median(big.curl), xhr: median(big.xhr), element: median(big.element) } },
      many: { ...many, median: { xhr: median(many.xhr), uppy: median(many.uppy), element: median(many.element), headless: median(many.headless) } },
      mainThread,
      heap: { atStart: heapAtStart, atEnd: heapAtEnd },
    };
    await writeFile(join(root, 'bench/chart.svg'), renderChart(results));
    await writeFile(join(root, 'BENCHMARKS.md'), renderReport(results));
    await writeFile(join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
    log(`wrote BENCHMARKS.md, bench/chart.svg and bench/results.json in ${results.durationSeconds} s`);
  } finally {
    await browser?.close();
    await site?.close();
    await backend?.close();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
