// What the bench page measures besides time: the JS heap, long tasks, renders per animation frame
// and the nodes of a shadow root. Each measure is cheap enough not to slow what it watches.
import type { PresignedUploaderElement } from '../../src/presigned-uploader.js';
import type { LongTasks } from './shapes.js';

/** What precise-memory Chromium adds to `performance` and `--expose-gc` to the global. */
interface ChromiumExtras {
  memory?: { usedJSHeapSize: number };
}
const gc = (globalThis as { gc?: () => void }).gc;

export const heapNow = () => (performance as Performance & ChromiumExtras).memory?.usedJSHeapSize ?? NaN;

/** Used JS heap after a full GC (twice: the first pass may only queue finalizers). */
export async function settledHeap(): Promise<number> {
  for (let i = 0; i < 2; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return heapNow();
}

/** Samples the used heap every 50 ms until stopped; answers the largest sample. */
export function heapSampler(): () => number {
  let peak = heapNow();
  const timer = setInterval(() => (peak = Math.max(peak, heapNow())), 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, heapNow());
  };
}

/** Records long tasks from now on; `stop()` answers those that started before it was called. */
export function recordLongTasks(): { stop(): Promise<LongTasks> } {
  const tasks: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
  observer.observe({ type: 'longtask', buffered: false });
  return {
    async stop() {
      const end = performance.now();
      // Long-task entries are delivered after the task; give the observer a beat.
      await new Promise((resolve) => setTimeout(resolve, 200));
      observer.disconnect();
      const durations = tasks.filter((task) => task.startTime < end).map((task) => task.duration);
      return { longTasks: durations.length, longestTask: Math.max(0, ...durations) };
    },
  };
}

/**
 * Counts the element's renders (its `update()` wrapped) per animation frame from now on, each frame
 * named by `frame()`; `rendered` runs after each render.
 */
export function countRenders(el: PresignedUploaderElement, frame: () => number, rendered?: () => void): Map<number, number> {
  const perFrame = new Map<number, number>();
  const target = el as unknown as { update(changed: unknown): void };
  const update = target.update.bind(target);
  target.update = (changed) => {
    const now = frame();
    perFrame.set(now, (perFrame.get(now) ?? 0) + 1);
    update(changed);
    rendered?.();
  };
  return perFrame;
}

/**
 * The time of the animation frame in progress: renders run in frame callbacks, where this is the
 * frame's own time. Unlike a frame counter it asks for no frame: a frame asked for every 16 ms costs
 * the element's page its paint and commit, which the bare loop and Uppy do not pay.
 */
export const frameTime = () => document.timeline.currentTime as number;

/** Every node under `root`, those in nested shadow roots too (a list may live in a child component). */
function countNodes(root: Node): number {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
  let count = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    count++;
    const shadow = (node as Element).shadowRoot;
    if (shadow) count += countNodes(shadow);
  }
  return count;
}

/** Share of main-thread time the node sampler may take: a large tree is counted less often. */
const SAMPLER_BUDGET = 0.02;
/** A count that takes longer stops the sampling until the end, so that no count is itself a long task. */
const SAMPLE_LIMIT_MS = 8;

/**
 * The most nodes (elements, text, comments) `root` held: counted at `sample()` while a count is
 * cheap, less often as it grows (counting takes at most 2 % of the time), not at all once a count
 * takes over 8 ms, and once more at `stop()`. A list that only grows peaks at that last count.
 */
export function sampleNodes(root: ShadowRoot): { sample(): void; stop(): number } {
  let peak = 0;
  let next = 0;
  let running = true;
  const count = () => {
    const before = performance.now();
    peak = Math.max(peak, countNodes(root));
    const cost = performance.now() - before;
    if (cost > SAMPLE_LIMIT_MS) running = false;
    next = performance.now() + cost / SAMPLER_BUDGET;
  };
  return {
    sample() {
      if (running && performance.now() >= next) count();
    },
    stop() {
      running = false;
      count();
      return peak;
    },
  };
}
