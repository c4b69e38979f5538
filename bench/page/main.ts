// The bench page: the element (built by Vite from src/, production mode), a bare-XHR baseline and
// Uppy 5, each uploading through the demo backend (sign + POST + register) to the dev storage.
// bench/run.ts drives it with playwright-core and calls the functions on `window.bench`.
import { clearStage, elementUpload, makeFiles, pool, uppyUpload, useApi, xhrUpload } from './contenders.js';
import { countFrames } from '../../test/helpers/frame-counter.js';
import { countRenders, heapSampler, recordLongTasks, settledHeap } from './measures.js';
import { phaseTimes, resetTimings } from './phases.js';
import { removedBatch, removedBatchesEnd, scaleRun } from './scale.js';
import type { Contender } from './shapes.js';

const picker = document.querySelector<HTMLInputElement>('#picker')!;

let runId = 0;

const bench = {
  useApi,
  /** One big file from the page's <input type=file>, through the element; heap growth sampled and long tasks recorded during it. */
  async bigElement() {
    const file = picker.files![0]!;
    const before = await settledHeap();
    const stop = heapSampler();
    const tasks = recordLongTasks();
    const { ms } = await elementUpload([file], 1);
    const peak = stop();
    const longTasks = await tasks.stop();
    clearStage();
    return { ms, heapGrowth: peak - before, ...longTasks };
  },
  async bigXhr() {
    const file = picker.files![0]!;
    const before = await settledHeap();
    const stop = heapSampler();
    const tasks = recordLongTasks();
    const start = performance.now();
    await xhrUpload(file);
    const ms = performance.now() - start;
    const peak = stop();
    return { ms, heapGrowth: peak - before, ...(await tasks.stop()) };
  },
  /** Many small files: the element, then the heap after it is gone. */
  async manyElement(count: number, size: number, concurrency: number) {
    const files = makeFiles(count, size, `el${++runId}`);
    const before = await settledHeap();
    const stop = heapSampler();
    const { ms } = await elementUpload(files, concurrency);
    const peak = stop();
    const withElement = await settledHeap();
    clearStage();
    const after = await settledHeap();
    return { ms, heapPeakGrowth: peak - before, heapAfterWithElement: withElement - before, heapAfterRemoved: after - before };
  },
  // The others run the element's heap sampler too (its result unused): it reads
  // `performance.memory` every 50 ms, which costs the page a little, and every contender pays it.
  /** The same with `headless`: no UI, as Uppy's core has none. */
  async manyElementHeadless(count: number, size: number, concurrency: number) {
    const files = makeFiles(count, size, `hl${++runId}`);
    const stop = heapSampler();
    const { ms } = await elementUpload(files, concurrency, { headless: true });
    stop();
    clearStage();
    return { ms };
  },
  async manyXhr(count: number, size: number, concurrency: number) {
    const files = makeFiles(count, size, `xhr${++runId}`);
    const stop = heapSampler();
    const { ms } = await pool(files, concurrency, xhrUpload);
    stop();
    return { ms };
  },
  async manyUppy(count: number, size: number, concurrency: number) {
    const files = makeFiles(count, size, `uppy${++runId}`);
    const stop = heapSampler();
    const { ms } = await uppyUpload(files, concurrency);
    stop();
    return { ms };
  },
  /**
   * `count` files queued at once and uploaded: long tasks (PerformanceObserver), renders of the
   * element per animation frame (its `update()` wrapped), `upload-progress` events per file per frame.
   */
  async mainThread(count: number, size: number, concurrency: number) {
    const files = makeFiles(count, size, `mt${++runId}`);
    // Making the files is the bench's own long task: an observer started in the same task is told of it.
    await new Promise((resolve) => setTimeout(resolve));
    const tasks = recordLongTasks();
    // Frames counted by a counter that asks for every one: progress events are held to one per
    // frame per file, which needs every frame the page could have had.
    const frames = countFrames();
    let renders: ReturnType<typeof countRenders> | undefined;
    const progressPerFileFrame = new Map<string, number>();
    let progressEvents = 0;
    const { ms } = await elementUpload(files, concurrency, {
      hook: (el) => {
        renders = countRenders(el, () => frames.current);
        el.addEventListener('upload-progress', (e) => {
          progressEvents++;
          const slot = `${e.detail.id}@${frames.current}`;
          progressPerFileFrame.set(slot, (progressPerFileFrame.get(slot) ?? 0) + 1);
        });
      },
    });
    frames.stop();
    const { longTasks, longestTask } = await tasks.stop();
    clearStage();
    const perFrame = [...renders!.values()];
    return {
      ms,
      frames: frames.current,
      longTasks,
      longestTask,
      maxRendersPerFrame: Math.max(0, ...perFrame),
      renders: perFrame.reduce((a, b) => a + b, 0),
      maxProgressPerFilePerFrame: Math.max(0, ...progressPerFileFrame.values()),
      progressEvents,
    };
  },
  scale: (contender: Contender, count: number, size: number, concurrency: number, deadline: number) =>
    scaleRun(contender, count, size, concurrency, deadline),
  removedBatch,
  removedBatchesEnd,
  resetTimings,
  phases: phaseTimes,
  heap: settledHeap,
};

export type BenchPage = typeof bench;
(window as unknown as { bench: BenchPage }).bench = bench;
document.body.dataset.ready = 'true';
