// `npm run bench`: weight of the builds, then uploads in headless Chromium against the demo
// backend and the embedded dev storage, each timing as a ratio to a baseline of the same run.
// Writes bench/results.json, and BENCHMARKS.md and the charts from it (bench/report.ts).
//
//   --quick               small sizes, one round: checks the harness in a minute
//   --only scale,many     only these scenarios (weight, big, many, main-thread, scale); the others
//                         keep their last results in bench/results.json, each section with its date
//   --latency 0,50,50h2   the latencies (ms per HTTP exchange) the many-files scenario runs at;
//                         `h2` after one: the page reaches the backend over HTTP/2 (bench/h2-front.ts)
//   --report              no run: BENCHMARKS.md and the charts again from bench/results.json
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { startDemoBackend, type DemoBackend } from '../demo/backend/demo-backend.ts';
import { startLatencySetup } from './latency.ts';
import { call } from './page-call.ts';
import { renderCharts, renderReport } from './report.ts';
import { RESULTS_VERSION, SCENARIOS, type BackendProtocol, type MainThread, type ManyAtLatency, type Phases, type Results, type Scenario, type Section } from './results.ts';
import { runScale, type ScaleConfig } from './scale.ts';
// The test runner's Chromium flags: no background traffic, exact heap figures and gc().
import { CHROMIUM_ARGS } from '../test/helpers/chrome-launcher.mjs';
import { folder, startStaticServer, type StaticServer } from '../test/helpers/node/static-server.ts';
import { jsObjects } from './js-objects.ts';
import { measureSizes } from './sizes.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));
const resultsPath = join(root, 'bench/results.json');

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    latency: { type: 'string', default: '0,50,50h2' },
    report: { type: 'boolean', default: false },
  },
});
const quick = options.quick!;
const only = options.only?.split(',').map((name) => name.trim()) ?? [...SCENARIOS];
for (const name of only) if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--only: no scenario "${name}" (${SCENARIOS.join(', ')})`);
const selected = (scenario: Scenario) => only.includes(scenario);
const latencies = options.latency!.split(',').map((entry): { ms: number; protocol: BackendProtocol } => {
  const match = /^(\d+)(h2)?$/.exec(entry.trim());
  if (!match) throw new Error(`--latency: whole milliseconds, each with an optional h2, comma-separated (not "${entry}")`);
  return { ms: Number(match[1]), protocol: match[2] ? 'h2' : 'http/1.1' };
});

/** The issues' sizes; `--quick` shrinks them to check the harness in about a minute. */
const config = quick
  ? {
      big: { bytes: 64 * 1024 ** 2, rounds: 1 },
      many: { size: 32 * 1024, rounds: 1, concurrency: 6, count: (_ms: number) => 100 },
      mainThread: { queued: 200, size: 32 * 1024, concurrency: 6 },
      scale: { counts: [100, 1000], rounds: [1, 1], size: 4 * 1024, concurrency: 6, deadlineMs: 60_000 },
      removed: { batches: 3, count: 200 },
    }
  : {
      big: { bytes: 1024 ** 3, rounds: 3 },
      // 500 at 0 ms (the ten-thousand-files issue's size), 300 with latency (the round-trips issue's).
      many: { size: 32 * 1024, rounds: 3, concurrency: 6, count: (ms: number) => (ms === 0 ? 500 : 300) },
      mainThread: { queued: 1000, size: 32 * 1024, concurrency: 6 },
      // A run past 150 s is stopped (its rate counts what it finished): at 10,000 files today's
      // element would take far longer, and the whole bench would run for an hour on a busy machine.
      // 100 files take a second or two a run, as wide as the spread between rounds: more rounds for its median.
      scale: { counts: [100, 1000, 10_000], rounds: [7, 3, 1], size: 4 * 1024, concurrency: 6, deadlineMs: 150_000 },
      // The ten-thousand-files issue's memory check: no growth across three batches of 1,000 removed files.
      removed: { batches: 3, count: 1000 },
    };
const scaleConfig: ScaleConfig = config.scale;

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

const oneMinuteLoad = () => Math.round(loadavg()[0]! * 10) / 10;

async function machine(browser: Browser, loadAtStart: number): Promise<Results['machine']> {
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
    load: { start: loadAtStart, end: oneMinuteLoad() },
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

/** The results kept from earlier runs: those of another format start afresh. */
async function earlierResults(): Promise<Partial<Results>> {
  try {
    const earlier = JSON.parse(await readFile(resultsPath, 'utf8')) as Partial<Results>;
    return earlier.version === RESULTS_VERSION ? earlier : {};
  } catch {
    return {};
  }
}

async function writeReport(results: Results): Promise<void> {
  for (const [name, svg] of Object.entries(renderCharts(results))) await writeFile(join(root, 'bench', name), svg);
  await writeFile(join(root, 'BENCHMARKS.md'), renderReport(results));
}

const contenders = ['xhr', 'uppy', 'element', 'headless'] as const;
const manyFunctions = { xhr: 'manyXhr', uppy: 'manyUppy', element: 'manyElement', headless: 'manyElementHeadless' } as const;

/**
 * The many-files rounds at one latency, the order rotated each round, with each run's phase times.
 * Throws when the page's backend calls went over another protocol than `protocol`.
 */
async function manyAt(page: Page, latencyMs: number, protocol: BackendProtocol, count: number): Promise<Omit<ManyAtLatency, 'preflights'>> {
  const { size, rounds, concurrency } = config.many;
  const result: Omit<ManyAtLatency, 'preflights'> = {
    latencyMs,
    protocol,
    count,
    xhr: [],
    uppy: [],
    element: [],
    headless: [],
    heap: [],
    phases: { xhr: [], uppy: [], element: [], headless: [] },
  };
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const who = contenders[(i + round) % contenders.length]!;
      await call(page, 'resetTimings');
      const outcome = await call(page, manyFunctions[who], count, size, concurrency);
      result[who].push(outcome.ms!);
      const phases = await call<Phases>(page, 'phases');
      if (phases.backendProtocols?.join() !== protocol) {
        throw new Error(`many at ${latencyMs} ms: ${who}'s backend calls went over ${phases.backendProtocols?.join(', ') || 'nothing'}, not ${protocol}`);
      }
      result.phases[who].push(phases);
      if (who === 'element') result.heap.push(outcome);
    }
    log(
      `many at ${latencyMs} ms over ${protocol}, round ${round + 1}: ` + contenders.map((who) => `${who} ${result[who].at(-1)!.toFixed(0)} ms`).join(', '),
    );
  }
  return result;
}

async function main(): Promise<void> {
  if (options.report) {
    const results = await earlierResults();
    if (!results.machine) throw new Error(`--report: no results of format ${RESULTS_VERSION} in ${resultsPath}`);
    await writeReport(results as Results);
    log('wrote BENCHMARKS.md and the charts from bench/results.json');
    return;
  }
  const started = Date.now();
  const loadAtStart = oneMinuteLoad();
  const work = await mkdtemp(join(tmpdir(), 'pu-bench-'));
  const dataDir = join(work, 'storage');
  let backend: DemoBackend | undefined;
  let browser: Browser | undefined;
  let site: StaticServer | undefined;
  const results: Partial<Results> = { ...(await earlierResults()), version: RESULTS_VERSION };
  const section = (begun: number): Section => ({
    date: new Date().toISOString(),
    seconds: Math.round((Date.now() - begun) / 1000),
    quick,
  });
  try {
    if (selected('weight')) {
      const begun = Date.now();
      log('npm run build');
      await run('npm', ['run', 'build'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
      const sizes = measureSizes(root);
      log(`standalone ${sizes.standalone.gzip} B gzip`);
      results.weight = { ...section(begun), sizes };
    }

    log('building the bench page (Vite, production)');
    const pageDir = join(work, 'page');
    await buildPage(pageDir);
    // No /api on this origin: the page calls the backend cross-origin, as a real site calls storage.
    site = await startStaticServer(folder(pageDir));
    backend = await startDemoBackend({ dataDir });
    // The HTTP/2 front's certificate is self-signed (browsers speak HTTP/2 only over TLS).
    const args = [...CHROMIUM_ARGS, '--ignore-certificate-errors'];
    browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args });
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${site.url}/?api=${encodeURIComponent(backend.url)}`);
    await page.waitForSelector('body[data-ready]');

    // Warm-up (JIT, connections, the storage's first writes); not recorded.
    log('warm-up');
    for (const who of contenders) await call(page, manyFunctions[who], 20, 32 * 1024, 6);

    if (selected('big')) {
      const begun = Date.now();
      log(`writing a ${config.big.bytes} byte file`);
      const bigPath = join(work, 'big.bin');
      await makeBigFile(bigPath, config.big.bytes);
      await page.setInputFiles('#picker', bigPath);
      const big = { curl: [] as number[], xhr: [] as number[], element: [] as number[], heapElement: [] as number[], heapXhr: [] as number[] };
      const longTasks = { xhr: [] as Array<{ longTasks: number; longestTask: number }>, element: [] as Array<{ longTasks: number; longestTask: number }> };
      for (let round = 0; round < config.big.rounds; round++) {
        big.curl.push(await curlUpload(backend, bigPath, config.big.bytes, `curl-${round}.bin`));
        const xhr = await call(page, 'bigXhr');
        big.xhr.push(xhr.ms!);
        big.heapXhr.push(xhr.heapGrowth!);
        longTasks.xhr.push({ longTasks: xhr.longTasks!, longestTask: xhr.longestTask! });
        const element = await call(page, 'bigElement');
        big.element.push(element.ms!);
        big.heapElement.push(element.heapGrowth!);
        longTasks.element.push({ longTasks: element.longTasks!, longestTask: element.longestTask! });
        log(`big round ${round + 1}: curl ${big.curl.at(-1)!.toFixed(0)} ms, xhr ${xhr.ms!.toFixed(0)} ms, element ${element.ms!.toFixed(0)} ms`);
      }
      await rm(bigPath, { force: true });
      results.big = { ...section(begun), config: config.big, ...big, longTasks };
    }

    if (selected('many')) {
      const begun = Date.now();
      const heapAtStart = await call<number>(page, 'heap');
      const byLatency: ManyAtLatency[] = [];
      for (const { ms, protocol } of latencies) {
        const count = config.many.count(ms);
        if (ms === 0 && protocol === 'http/1.1') {
          byLatency.push({ ...(await manyAt(page, ms, protocol, count)), preflights: { backend: 0, storage: 0 } });
          continue;
        }
        log(`many files with ${ms} ms per exchange, the backend over ${protocol} (delaying proxies)`);
        const setup = await startLatencySetup(backend, ms, protocol, work);
        try {
          await call(page, 'useApi', setup.api);
          // New origins: connections and preflights first, not recorded.
          for (const who of contenders) await call(page, manyFunctions[who], 12, config.many.size, config.many.concurrency);
          byLatency.push({ ...(await manyAt(page, ms, protocol, count)), preflights: setup.preflights() });
        } finally {
          await call(page, 'useApi', backend.url);
          await setup.close();
        }
      }
      const heapAtEnd = await call<number>(page, 'heap');
      const { count: _count, ...manyConfig } = config.many;
      results.many = { ...section(begun), config: manyConfig, byLatency, heap: { atStart: heapAtStart, atEnd: heapAtEnd } };
    }

    if (selected('main-thread')) {
      const begun = Date.now();
      const { queued, size, concurrency } = config.mainThread;
      log(`main thread: ${queued} files queued`);
      const measured = await call<MainThread>(page, 'mainThread', queued, size, concurrency);
      results.mainThread = { ...section(begun), config: config.mainThread, ...measured };
    }

    if (selected('scale')) {
      const begun = Date.now();
      const rows = await runScale(page, scaleConfig, log);
      const { batches, count } = config.removed;
      log(`scale: ${batches} batches of ${count} files, each removed with removeFile(), after one that warms up`);
      const batch = () => call(page, 'removedBatch', count, scaleConfig.size, scaleConfig.concurrency);
      // The warm-up: compiled code and Lit's templates are made once, not per file.
      await batch();
      const before = await jsObjects(page);
      const removed = { count, bytes: [] as number[], objects: [] as number[] };
      for (let i = 0; i < batches; i++) {
        await batch();
        const after = await jsObjects(page);
        removed.bytes.push(after.bytes - before.bytes);
        removed.objects.push(after.count - before.count);
      }
      await call(page, 'removedBatchesEnd');
      log(`JS objects after each removed batch: ${removed.bytes.map((bytes, i) => `${(bytes / 1024).toFixed(1)} KiB (${removed.objects[i]})`).join(', ')}`);
      results.scale = { ...section(begun), config: scaleConfig, rows, removed };
    }

    if (pageErrors.length > 0) throw new Error(`page errors:\n${pageErrors.join('\n')}`);
    results.machine = await machine(browser, loadAtStart);
    const complete = results as Results;
    await writeFile(resultsPath, JSON.stringify(complete, null, 2) + '\n');
    await writeReport(complete);
    log(`wrote bench/results.json, BENCHMARKS.md and the charts in ${Math.round((Date.now() - started) / 1000)} s`);
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
