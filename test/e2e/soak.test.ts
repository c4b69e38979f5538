// A soak: 200 files of mixed sizes through the fault proxy with 10 % of the uploads failing
// (SlowDown or a dropped connection), to real storage. All complete, each is stored exactly
// once and byte-identical, and the page's JS heap comes back near where it started.
// Heap figures need Chromium's `--js-flags=--expose-gc` and `--enable-precise-memory-info`
// (test/helpers/chrome-launcher.mjs passes both).
import { expect } from '@open-wc/testing';
import type { UploadCompleteDetail, UploadErrorDetail } from '../../src/events.js';
import '../../src/presigned-uploader.js';
import type { PresignedUploaderElement } from '../../src/presigned-uploader-element.js';
import { skipIn } from '../helpers/engine.js';
import { requireTestEnv } from '../helpers/test-env.js';
import { randomFile, sha256 } from '../helpers/files.js';

const api = await requireTestEnv('E2E_API_URL');
const proxy = await requireTestEnv('FAULT_PROXY_URL');
const kind = await requireTestEnv('E2E_STORAGE_KIND');

const FILES = 200;
const MIN_SIZE = 1024;
const MAX_SIZE = 2 * 1024 * 1024;
/** How far above its starting point the heap may end, once the uploader is gone (seen: under 1 MB). */
const HEAP_SLACK = 5 * 1024 * 1024;

/** The proxy's counters for one token (the part of TokenCounters in fault-proxy.ts used here). */
interface Counters {
  requests: number;
  faults: number;
  injected: { slowdown: number; drop: number; stall: number };
  forwarded: number;
  stored: number;
  storedKeys: Record<string, number>;
}

interface SoakReport {
  seconds: number;
  bytes: number;
  completed: number;
  errors: string[];
  /** Keys of the completed uploads, each with the size and SHA-256 of the file sent. */
  sent: Array<{ key: string; size: number; sha256: string }>;
  /** Heap with the uploader still in the page, all done. */
  heapDone: number;
  /** Cleared by the garbage collector unless something still holds the uploader or a file. */
  element: WeakRef<PresignedUploaderElement>;
  files: Array<WeakRef<File>>;
}

type MemoryPerformance = Performance & { memory: { usedJSHeapSize: number } };

/** V8's `gc` (--expose-gc); `execution: 'async'` collects from a task of its own, with no stack to scan. */
const gc = (globalThis as { gc?: (options?: { type: 'major'; execution: 'async' }) => Promise<void> | undefined }).gc;

/** Sizes spread evenly on a log scale from 1 KB to 2 MB, both ends included, in a fixed shuffled order. */
function mixedSizes(count: number): number[] {
  const sizes = Array.from({ length: count }, (_, i) => Math.round(MIN_SIZE * (MAX_SIZE / MIN_SIZE) ** (i / (count - 1))));
  for (let i = sizes.length - 1, seed = 7; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [sizes[i], sizes[j]] = [sizes[j]!, sizes[i]!];
  }
  return sizes;
}

/**
 * The used JS heap once garbage is collected and the page is idle. A `gc()` called from script
 * scans the stack conservatively (Blink's DOM heap), which may keep a dead element alive at random.
 */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 20)));
    await gc!({ type: 'major', execution: 'async' });
  }
  return (performance as MemoryPerformance).memory.usedJSHeapSize;
}

/**
 * Uploads every file through one uploader and hands back plain data only: no file, element or
 * event outlives this function, so what the heap keeps afterwards is what the uploader leaked.
 */
async function soak(token: string): Promise<SoakReport> {
  const el = document.createElement('presigned-uploader') as PresignedUploaderElement;
  el.setAttribute('endpoint', `${api}/sign?proxy=random-10-7&token=${token}`);
  el.setAttribute('register-endpoint', `${api}/register?token=${token}`);
  el.setAttribute('multiple', '');
  el.setAttribute('concurrency', '6');
  el.setAttribute('retries', '5');
  el.setAttribute('retry-delay', '20');
  document.body.append(el);
  await el.updateComplete;

  const files = mixedSizes(FILES).map((size, i) => randomFile(`soak-${i}.bin`, size));
  const keys = new Map<File, string>();
  const errors: string[] = [];
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const check = () => {
      if (keys.size + errors.length === files.length) resolve();
    };
    el.addEventListener('upload-complete', (event) => {
      const { file, key } = event.detail as UploadCompleteDetail;
      keys.set(file, key);
      check();
    });
    el.addEventListener('upload-error', (event) => {
      const { file, stage, error } = event.detail as UploadErrorDetail;
      errors.push(`${file.name}: ${stage} ${error.code} ${error.message}`);
      check();
    });
    el.addFiles(files);
  });
  const seconds = (performance.now() - started) / 1000;
  const completed = files.filter((file) => keys.has(file));
  const sent = await Promise.all(completed.map(async (file) => ({ key: keys.get(file)!, size: file.size, sha256: await sha256(file) })));
  const heapDone = await settledHeap();
  el.remove();
  return {
    seconds,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    completed: keys.size,
    errors,
    sent,
    heapDone,
    element: new WeakRef(el),
    files: files.map((file) => new WeakRef(file)),
  };
}

/** Runs `work` on `items`, `width` at a time. */
async function inBatches<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

describe(`soak against ${kind}, through the fault proxy`, function () {
  this.timeout(120_000);

  const chromiumOnly = skipIn(['firefox', 'webkit'], 'the heap check needs gc() and performance.memory, which only Chromium exposes');
  chromiumOnly(`uploads ${FILES} files of 1 KB to 2 MB with 10 % of the uploads failing: all stored exactly once, heap back near its start`, async () => {
    expect(gc, 'gc() is exposed (chromium --js-flags=--expose-gc)').to.be.a('function');
    const token = `soak-${Date.now().toString(36)}`;
    const heapBefore = await settledHeap();

    const report = await soak(token);
    expect(report.errors, 'upload-error events').to.deep.equal([]);
    expect(report.completed).to.equal(FILES);

    const counters = (await (await fetch(`${proxy}/counters?token=${token}`)).json()) as Counters;
    expect(counters.faults, 'the proxy injected failures').to.be.greaterThan(0);
    expect(counters.requests).to.equal(counters.faults + counters.forwarded);
    expect(counters.stored, 'objects stored').to.equal(FILES);
    expect(counters.forwarded, 'every forwarded upload was stored').to.equal(FILES);
    expect(Object.keys(counters.storedKeys)).to.have.members(report.sent.map((file) => file.key));
    expect(Object.values(counters.storedKeys).every((count) => count === 1), 'each key stored once').to.equal(true);

    await inBatches(report.sent, 8, async ({ key, size, sha256: sum }) => {
      const answer = await fetch(`${api}/object`, { method: 'POST', body: JSON.stringify({ key }) });
      expect(answer.status, `${key} is stored`).to.equal(200);
      expect(await answer.json(), key).to.deep.include({ size, sha256: sum });
    });

    const heapAfter = await settledHeap();
    // The heap figure misses small leaks; these do not: the uploader and every file must be collectable.
    // Booleans only: a failing assertion on the element itself would have the runner serialize it.
    expect(report.element.deref() === undefined, 'the removed uploader was garbage-collected').to.equal(true);
    expect(report.files.filter((file) => file.deref() !== undefined).length, 'files still held').to.equal(0);
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `soak (${kind}): ${FILES} files, ${mb(report.bytes)} MB in ${report.seconds.toFixed(1)} s; ` +
        `${counters.requests} uploads sent, ${counters.faults} failed on purpose ` +
        `(${counters.injected.slowdown} SlowDown, ${counters.injected.drop} dropped); ` +
        `heap ${mb(heapBefore)} MB at start, ${mb(report.heapDone)} MB when done, ${mb(heapAfter)} MB after remove()`,
    );
    expect(report.bytes).to.be.below(150 * 1024 * 1024);
    expect(heapAfter - heapBefore, 'heap growth in bytes').to.be.below(HEAP_SLACK);
  });
});
