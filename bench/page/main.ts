// The bench page: the element (built by Vite from src/, production mode), a bare-XHR baseline and
// Uppy 5, each uploading through the demo backend (sign + POST + register) to the dev storage.
// bench/run.ts drives it with playwright-core and calls the functions on `window.bench`.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';
import { PresignedUploaderElement } from '../../src/presigned-uploader.js';
import { countFrames } from '../../test/helpers/frame-counter.js';

// package.json's `sideEffects` names only dist/ files, so a bundler drops a bare
// `import '../../src/presigned-uploader.js'` and with it the define: define it here.
if (!customElements.get('presigned-uploader')) customElements.define('presigned-uploader', PresignedUploaderElement);

const api = new URLSearchParams(location.search).get('api') ?? '';
const stage = document.querySelector('#stage')!;
const picker = document.querySelector<HTMLInputElement>('#picker')!;

interface SignAnswer {
  url: string;
  fields: Record<string, string>;
  key: string;
}

/** What precise-memory Chromium adds to `performance` and `--expose-gc` to the global. */
interface ChromiumExtras {
  memory?: { usedJSHeapSize: number };
}
const gc = (globalThis as { gc?: () => void }).gc;

/** Used JS heap after a full GC (twice: the first pass may only queue finalizers). */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 2; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return heapNow();
}
const heapNow = () => (performance as Performance & ChromiumExtras).memory?.usedJSHeapSize ?? NaN;

/** Samples the used heap every 50 ms until stopped; answers the largest sample. */
function heapSampler(): () => number {
  let peak = heapNow();
  const timer = setInterval(() => (peak = Math.max(peak, heapNow())), 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, heapNow());
  };
}

async function postJson(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

const sign = (file: File) =>
  postJson('/api/sign', { filename: file.name, contentType: file.type, size: file.size }) as Promise<SignAnswer>;
const register = (file: File, key: string) =>
  postJson('/api/register', { key, filename: file.name, contentType: file.type, size: file.size });

/** The baseline: sign, one XHR POST (fields, then the file last; with an upload-progress listener, as the element has), register. */
async function xhrUpload(file: File): Promise<void> {
  const answer = await sign(file);
  const form = new FormData();
  for (const [name, value] of Object.entries(answer.fields)) form.append(name, value);
  form.append('file', file);
  await new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', answer.url);
    xhr.upload.addEventListener('progress', () => {});
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`POST: HTTP ${xhr.status}`)));
    xhr.onerror = () => reject(new Error('POST: network error'));
    xhr.send(form);
  });
  await register(file, answer.key);
}

/** Runs `task` over `files` with at most `concurrency` at once. */
async function pool(files: File[], concurrency: number, task: (file: File) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < files.length) await task(files[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** `count` distinct in-memory files of `size` bytes (the same bytes for every contender). */
function makeFiles(count: number, size: number, prefix: string): File[] {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return Array.from({ length: count }, (_, i) => new File([bytes], `${prefix}-${i}.bin`, { type: 'application/octet-stream' }));
}

function makeElement(concurrency: number, headless = false): PresignedUploaderElement {
  const el = document.createElement('presigned-uploader');
  el.headless = headless;
  el.setAttribute('endpoint', `${api}/api/sign`);
  el.setAttribute('register-endpoint', `${api}/api/register`);
  el.setAttribute('concurrency', String(concurrency));
  el.setAttribute('stall-timeout', '0');
  el.multiple = true;
  stage.replaceChildren(el);
  return el;
}

/** Adds `files` to a fresh element and waits until each one completes (any error fails the run). */
async function elementUpload(
  files: File[],
  concurrency: number,
  hook?: (el: PresignedUploaderElement) => void,
  headless = false,
): Promise<number> {
  const el = makeElement(concurrency, headless);
  await el.updateComplete;
  hook?.(el);
  let done = 0;
  const finished = new Promise<void>((resolve, reject) => {
    el.addEventListener('upload-complete', () => {
      if (++done === files.length) resolve();
    });
    el.addEventListener('upload-error', (e) => reject(new Error(`element: ${e.detail.stage}: ${e.detail.error.code}: ${e.detail.error.message}`)));
  });
  const start = performance.now();
  el.addFiles(files);
  await finished;
  return performance.now() - start;
}

async function uppyUpload(files: File[], concurrency: number): Promise<number> {
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(AwsS3, {
    shouldUseMultipart: false,
    limit: concurrency,
    async getUploadParameters(file) {
      const answer = await sign(file.data as File);
      keys.set(file.id, answer.key);
      return { method: 'POST', url: answer.url, fields: answer.fields };
    },
  });
  const keys = new Map<string, string>();
  const registers: Promise<unknown>[] = [];
  // Uppy has no register step: each file registers as soon as its POST succeeds.
  uppy.on('upload-success', (file) => {
    if (file) registers.push(register(file.data as File, keys.get(file.id)!));
  });
  const start = performance.now();
  uppy.addFiles(files.map((data) => ({ name: data.name, type: data.type, data, source: 'bench' })));
  const result = await uppy.upload();
  await Promise.all(registers);
  const elapsed = performance.now() - start;
  const failed = result?.failed?.length ?? 0;
  uppy.destroy();
  if (failed > 0 || registers.length !== files.length) throw new Error(`uppy: ${failed} failed, ${registers.length} registered`);
  return elapsed;
}

let runId = 0;

const bench = {
  /** One big file from the page's <input type=file>, through the element; heap growth sampled during it. */
  async bigElement() {
    const file = picker.files![0]!;
    const before = await settledHeap();
    const stop = heapSampler();
    const ms = await elementUpload([file], 1);
    const peak = stop();
    stage.replaceChildren();
    return { ms, heapGrowth: peak - before };
  },
  async bigXhr() {
    const file = picker.files![0]!;
    const before = await settledHeap();
    const stop = heapSampler();
    const start = performance.now();
    await xhrUpload(file);
    const ms = performance.now() - start;
    return { ms, heapGrowth: stop() - before };
  },
  /** Many small files: the element, then the heap after it is gone. */
  async manyElement(count: number, size: number, concurrency: number) {
    const files = makeFiles(count, size, `el${++runId}`);
    const before = await settledHeap();
    const stop = heapSampler();
    const ms = await elementUpload(files, concurrency);
    const peak = stop();
    const withElement = await settledHeap();
    stage.replaceChildren();
    const after = await settledHeap();
    return { ms, heapPeakGrowth: peak - before, heapAfterWithElement: withElement - before, heapAfterRemoved: after - before };
  },
  /** The same with `headless`: no UI, as Uppy's core has none. */
  async manyElementHeadless(count: number, size: number, concurrency: number) {
    const files = makeFiles(count, size, `hl${++runId}`);
    const ms = await elementUpload(files, concurrency, undefined, true);
    stage.replaceChildren();
    return { ms };
  },
  async manyXhr(count: number, size: number, concurrency: number) {
    const files = makeFiles(count, size, `xhr${++runId}`);
    const start = performance.now();
    await pool(files, concurrency, xhrUpload);
    return { ms: performance.now() - start };
  },
  async manyUppy(count: number, size: number, concurrency: number) {
    const files = makeFiles(count, size, `uppy${++runId}`);
    return { ms: await uppyUpload(files, concurrency) };
  },
  /**
   * `count` files queued at once and uploaded: long tasks (PerformanceObserver), renders of the
   * element per animation frame (its `update()` wrapped), `upload-progress` events per file per frame.
   */
  async mainThread(count: number, size: number, concurrency: number) {
    const files = makeFiles(count, size, `mt${++runId}`);
    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask', buffered: false });
    const frames = countFrames();
    const rendersPerFrame = new Map<number, number>();
    const progressPerFileFrame = new Map<string, number>();
    let progressEvents = 0;
    const ms = await elementUpload(files, concurrency, (el) => {
      const target = el as unknown as { update(changed: unknown): void };
      const update = target.update.bind(target);
      target.update = (changed) => {
        rendersPerFrame.set(frames.current, (rendersPerFrame.get(frames.current) ?? 0) + 1);
        update(changed);
      };
      el.addEventListener('upload-progress', (e) => {
        progressEvents++;
        const slot = `${e.detail.id}@${frames.current}`;
        progressPerFileFrame.set(slot, (progressPerFileFrame.get(slot) ?? 0) + 1);
      });
    });
    frames.stop();
    // Long-task entries are delivered after the task; give the observer a beat.
    await new Promise((resolve) => setTimeout(resolve, 200));
    observer.disconnect();
    stage.replaceChildren();
    return {
      ms,
      frames: frames.current,
      longTasks: longTasks.length,
      longTasksOver50: longTasks.filter((d) => d > 50).length,
      longestTask: Math.max(0, ...longTasks),
      maxRendersPerFrame: Math.max(0, ...rendersPerFrame.values()),
      renders: [...rendersPerFrame.values()].reduce((a, b) => a + b, 0),
      maxProgressPerFilePerFrame: Math.max(0, ...progressPerFileFrame.values()),
      progressEvents,
    };
  },
  heap: settledHeap,
};

(window as unknown as { bench: typeof bench }).bench = bench;
document.body.dataset.ready = 'true';
