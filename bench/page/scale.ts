// The scale scenario in the page: `count` small files through one contender, with what grows with
// the list measured along the way: long tasks, renders per frame, shadow-root nodes, heap per file.
import { clearStage, elementUpload, makeElement, makeFiles, pool, uppyUpload, xhrUpload, type Outcome } from './contenders.js';
import { countRenders, frameTime, recordLongTasks, sampleNodes, settledHeap } from './measures.js';
import type { PresignedUploaderElement } from '../../src/presigned-uploader.js';
import type { Contender, LongTasks, ScaleRun } from './shapes.js';

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
let runId = 0;

/** One run of `contender` over `count` files of `size` bytes; past `deadline` ms it is stopped and says how far it got. */
export async function scaleRun(contender: Contender, count: number, size: number, concurrency: number, deadline: number): Promise<ScaleRun> {
  const files = makeFiles(count, size, `sc-${contender}-${++runId}`);
  // Before the run, with the files held here: the heap per file below is what the contender adds.
  const before = await settledHeap();
  const tasks = recordLongTasks();
  let outcome: Outcome;
  let longTasks: LongTasks | undefined;
  let maxRendersPerFrame: number | null = null;
  let peakNodes: number | null = null;
  let listed = NaN;
  let element: PresignedUploaderElement | undefined;
  if (contender === 'xhr') {
    outcome = await pool(files, concurrency, xhrUpload, deadline);
  } else if (contender === 'uppy') {
    outcome = await uppyUpload(files, concurrency, {
      deadline,
      listed: async () => {
        longTasks = await tasks.stop();
        listed = await settledHeap();
      },
    });
  } else {
    let renders: ReturnType<typeof countRenders> | undefined;
    let nodes: ReturnType<typeof sampleNodes> | undefined;
    const run = await elementUpload(files, concurrency, {
      headless: contender === 'headless',
      deadline,
      hook: (el) => {
        // Nodes peak right after a render: counted then, with no frame asked for by the bench.
        const sampler = (nodes = sampleNodes(el.shadowRoot!));
        renders = countRenders(el, frameTime, () => sampler.sample());
      },
    });
    outcome = run;
    element = run.el;
    longTasks = await tasks.stop();
    // The DOM catches up with the last event by the next frame.
    await run.el.updateComplete;
    await nextFrame();
    maxRendersPerFrame = Math.max(0, ...renders!.values());
    peakNodes = nodes!.stop();
  }
  longTasks ??= await tasks.stop();
  if (Number.isNaN(listed)) listed = await settledHeap();
  // Measured first: cancelling a stopped run is no part of it.
  if (outcome.done < count) element?.cancel();
  clearStage();
  // `files` is read after the heap was measured, so it is held (and in the baseline) until then.
  return { ...outcome, ...longTasks, maxRendersPerFrame, peakNodes, heapPerFile: (listed - before) / files.length };
}

let batchElement: PresignedUploaderElement | undefined;

/**
 * One batch of `count` files through one element with its default UI, kept from batch to batch:
 * uploaded, then taken out file by file with `removeFile()`. The bench measures the heap between
 * batches (bench/js-objects.ts); `removedBatchesEnd()` drops the element.
 */
export async function removedBatch(count: number, size: number, concurrency: number): Promise<void> {
  const el = (batchElement ??= makeElement(concurrency));
  await el.updateComplete;
  const ids: string[] = [];
  const controller = new AbortController();
  const finished = new Promise<void>((resolve, reject) => {
    const { signal } = controller;
    el.addEventListener('upload-complete', (e) => ids.push(e.detail.id) === count && resolve(), { signal });
    el.addEventListener('upload-error', (e) => reject(new Error(`element: ${e.detail.stage}: ${e.detail.error.code}`)), { signal });
  });
  el.addFiles(makeFiles(count, size, `rb-${++runId}`));
  await finished;
  controller.abort();
  for (const id of ids) el.removeFile(id);
  await el.updateComplete;
  // The page keeps a Resource Timing entry for each exchange (bench/page/phases.ts).
  performance.clearResourceTimings();
}

export function removedBatchesEnd(): void {
  batchElement = undefined;
  clearStage();
}
