import { shrinkImage, type ShrinkOptions, type ShrunkImage } from './shrink-image.js';

/** How the element asks for images to be made smaller before upload. */
export interface ResizeSettings {
  /** The bounding box in pixels; 0 or missing: no limit on that side. */
  width?: number;
  height?: number;
  /** Output MIME type; empty: the input's. */
  type?: string;
  /** 0 to 1, for lossy output. */
  quality: number;
}

export interface ResizedImage {
  /** What to upload: the smaller image, or the picked file untouched. */
  file: File;
  /** A small image for the thumbnail, from the same decode; absent when the image could not be decoded. */
  preview?: Blob;
}

/** The image types worth decoding and re-encoding: browsers encode these three. */
const RESIZABLE = /^image\/(jpeg|png|webp)$/;
/** Decodes at once: each 12 MP photo holds 48 MB of pixels while it is drawn. */
const AT_ONCE = 2;
/** Short side of a preview: sharp for a 2.5rem thumbnail on a 2x screen. */
const PREVIEW = 96;
/** The worker: `shrinkImage` as source text, one job at a time, any failure answered as "upload the original". */
const WORKER_SOURCE = `const shrink=${shrinkImage};onmessage=async({data})=>{let r;try{r=await shrink(...data)}catch{}postMessage(r)}`;

interface Job {
  file: File;
  options: ShrinkOptions;
  signal: AbortSignal;
  resolve(result: ShrunkImage): void;
}

const waiting: Job[] = [];
const idle: Worker[] = [];
let running = 0;
let workerUrl: string | undefined;
/** Set once a worker failed to start (a CSP without `worker-src blob:`): from then on the page does the work. */
let noWorkers = false;

export function canResize(file: File): boolean {
  return RESIZABLE.test(file.type);
}

/**
 * Makes a JPEG, PNG or WebP image larger than the box smaller, in a worker, a few at a time for
 * the whole page. An image that fits, that the browser cannot decode, or whose smaller form has
 * more bytes comes back untouched: none of these is an error. Rejects only when `signal` aborts.
 */
export async function resizeImage(file: File, settings: ResizeSettings, signal: AbortSignal): Promise<ResizedImage> {
  if (!canResize(file)) return { file };
  const { body, preview } = await new Promise<ShrunkImage>((resolve, reject) => {
    signal.throwIfAborted();
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    waiting.push({ file, options: { ...settings, preview: PREVIEW }, signal, resolve });
    next();
  });
  if (!body) return { file, preview };
  const name = body.type === file.type ? file.name : `${file.name.replace(/\.[^.]*$/, '')}.${body.type.slice(6).replace('jpeg', 'jpg')}`;
  return { file: new File([body], name, { type: body.type, lastModified: file.lastModified }), preview };
}

function next(): void {
  while (running < AT_ONCE && waiting.length > 0) {
    const job = waiting.shift()!;
    if (job.signal.aborted) continue;
    running++;
    void shrinkOffPage(job.file, job.options)
      .catch((): ShrunkImage => ({}))
      .then(job.resolve)
      .finally(() => {
        running--;
        next();
      });
  }
}

/** In a worker where the browser has OffscreenCanvas, else on the page (the decode itself is still off-thread). */
async function shrinkOffPage(file: File, options: ShrinkOptions): Promise<ShrunkImage> {
  const worker = idle.pop() ?? startWorker();
  if (!worker) return shrinkImage(file, options);
  try {
    const result = await new Promise<ShrunkImage | undefined>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<ShrunkImage | undefined>) => resolve(event.data);
      worker.onerror = reject;
      worker.postMessage([file, options]);
    });
    idle.push(worker);
    return result ?? {};
  } catch {
    worker.terminate();
    noWorkers = true;
    return shrinkImage(file, options);
  }
}

function startWorker(): Worker | undefined {
  if (noWorkers || typeof Worker != 'function' || typeof OffscreenCanvas != 'function') return undefined;
  try {
    // A worker from a Blob URL keeps the standalone build one file.
    workerUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    return new Worker(workerUrl);
  } catch {
    noWorkers = true;
    return undefined;
  }
}
