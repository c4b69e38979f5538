// The contenders of the upload scenarios, each uploading `files` through the demo backend
// (sign + POST + register) to the storage: a bare-XHR loop, the element (default UI or
// `headless`) and Uppy 5. Each can be stopped by a deadline and then answers how many it finished.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';
import { PresignedUploaderElement } from '../../src/presigned-uploader.js';

// package.json's `sideEffects` names only dist/ files, so a bundler drops a bare
// `import '../../src/presigned-uploader.js'` and with it the define: define it here.
if (!customElements.get('presigned-uploader')) customElements.define('presigned-uploader', PresignedUploaderElement);

const stage = document.querySelector('#stage')!;

/** The demo backend's origin (and path prefix, behind the latency proxy); the runner switches it. */
let api = new URLSearchParams(location.search).get('api') ?? '';
export const useApi = (url: string) => void (api = url);

interface SignAnswer {
  url: string;
  fields: Record<string, string>;
  key: string;
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
export async function xhrUpload(file: File): Promise<void> {
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

/** What a contender got done: all files, or those finished when the deadline stopped it. */
export interface Outcome {
  ms: number;
  done: number;
}

/** Runs `task` over `files` with at most `concurrency` at once; past `deadline` (ms) no new file starts. */
export async function pool(files: File[], concurrency: number, task: (file: File) => Promise<void>, deadline = Infinity): Promise<Outcome> {
  const start = performance.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length && performance.now() - start < deadline) {
      await task(files[next++]!);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms: performance.now() - start, done };
}

/** `count` distinct in-memory files of `size` bytes (the same bytes for every contender). */
export function makeFiles(count: number, size: number, prefix: string): File[] {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return Array.from({ length: count }, (_, i) => new File([bytes], `${prefix}-${i}.bin`, { type: 'application/octet-stream' }));
}

export function makeElement(concurrency: number, headless = false): PresignedUploaderElement {
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

export const clearStage = () => stage.replaceChildren();

/** Resolves `finished` with the time, or with the time so far when `deadline` ms pass first. */
function until(finished: Promise<void>, deadline: number, start: number): Promise<number> {
  if (!Number.isFinite(deadline)) return finished.then(() => performance.now() - start);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadline)));
  return Promise.race([finished, late]).then(() => {
    clearTimeout(timer);
    // Stopped late: what the cancel makes of the unfinished run is no longer the bench's business.
    finished.catch(() => {});
    return performance.now() - start;
  });
}

/**
 * Adds `files` to a fresh element and waits until each one completes (any error fails the run),
 * or until `deadline` ms pass. The element stays on the page, still uploading if stopped: the
 * caller measures what it lists, then cancels.
 */
export async function elementUpload(
  files: File[],
  concurrency: number,
  { hook, headless = false, deadline = Infinity }: { hook?: (el: PresignedUploaderElement) => void; headless?: boolean; deadline?: number } = {},
): Promise<Outcome & { el: PresignedUploaderElement }> {
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
  const ms = await until(finished, deadline, start);
  return { ms, done, el };
}

/**
 * Uppy 5 core + aws-s3 over `files`; Uppy has no register step, so each file registers on
 * `upload-success`, outside Uppy's limit. `listed` runs while Uppy still holds its files, before a
 * stopped run is cancelled.
 */
export async function uppyUpload(
  files: File[],
  concurrency: number,
  { deadline = Infinity, listed }: { deadline?: number; listed?: () => Promise<void> } = {},
): Promise<Outcome> {
  const uppy = new Uppy({ autoProceed: false });
  const keys = new Map<string, string>();
  uppy.use(AwsS3, {
    shouldUseMultipart: false,
    limit: concurrency,
    async getUploadParameters(file) {
      const answer = await sign(file.data as File);
      keys.set(file.id, answer.key);
      return { method: 'POST', url: answer.url, fields: answer.fields };
    },
  });
  const registers: Promise<unknown>[] = [];
  let registered = 0;
  uppy.on('upload-success', (file) => {
    if (file) registers.push(register(file.data as File, keys.get(file.id)!).then(() => registered++));
  });
  const start = performance.now();
  uppy.addFiles(files.map((data) => ({ name: data.name, type: data.type, data, source: 'bench' })));
  const uploaded = uppy.upload().then(async (result) => {
    await Promise.all(registers);
    const failed = result?.failed?.length ?? 0;
    if (failed > 0 || registers.length !== files.length) throw new Error(`uppy: ${failed} failed, ${registers.length} registered`);
  });
  const ms = await until(uploaded, deadline, start);
  const done = registered;
  // Before the cancel: on a stopped run it takes every file out of Uppy's list, in one long task.
  await listed?.();
  if (done < files.length) uppy.cancelAll();
  uppy.destroy();
  return { ms, done };
}
