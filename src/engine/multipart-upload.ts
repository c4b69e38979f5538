import { withRetries, type Network, type RetryPolicy } from './retry.js';
import { sendToStorage } from './send-to-storage.js';
import { sendWithValidSignature } from './send-with-valid-signature.js';
import { UploadError, UploadPaused } from './upload-error.js';
import type { StorageReceipt } from './upload-plan.js';
import type { Transport } from './xhr-transport.js';

/** A multipart upload the backend started, as it is remembered for a resume. */
export interface MultipartSession {
  uploadId: string;
  key: string;
  fileId?: string | number;
  /** Bytes per part (the last one may be shorter); fixed for the life of the upload. */
  partSize: number;
}

/** A presigned UploadPart request. */
export interface PartTarget {
  url: string;
  headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** Epoch ms after which the URL is refused. */
  expires?: number;
}

export interface StoredPart {
  partNumber: number;
  etag: string;
  size?: number;
}

/** Unfinished uploads, remembered across reloads by the file's name, size and date. */
export interface ResumeStore {
  load(file: File): MultipartSession | undefined;
  save(file: File, session: MultipartSession): void;
  forget(file: File): void;
}

/** The backend calls of a multipart upload (see README, "Multipart endpoint"). */
export interface MultipartSteps {
  create(file: File, signal: AbortSignal): Promise<Omit<MultipartSession, 'partSize'>>;
  signPart(session: MultipartSession, partNumber: number, signal: AbortSignal): Promise<PartTarget>;
  /** The parts storage holds; throws an error coded `NoSuchUpload` when the upload is gone. */
  listParts(session: MultipartSession, signal: AbortSignal): Promise<StoredPart[]>;
  complete(session: MultipartSession, parts: ReadonlyArray<{ partNumber: number; etag: string }>, signal: AbortSignal): Promise<Partial<StorageReceipt>>;
  abort(session: MultipartSession): Promise<void>;
  resume: ResumeStore;
}

export interface MultipartRun {
  steps: MultipartSteps;
  transport: Transport;
  policy: RetryPolicy;
  network: Network;
  stallTimeout: number;
  /** Parts in flight at once. */
  partConcurrency: number;
  /** Bytes of the file stored so far, the parts a resume found included. */
  onProgress(loaded: number): void;
  /** Called once the backend has started (or a resume has found) the upload. */
  onStarted(): void;
  signal: AbortSignal;
}

const MIB = 1024 * 1024;
// S3: at most 10,000 parts, each but the last at least 5 MiB.
const MAX_PARTS = 10_000;
const PART_SIZE = 8 * MIB;

/** 8 MiB parts, larger when a file would need more than S3's 10,000. */
export function partSizeFor(size: number): number {
  return Math.max(PART_SIZE, Math.ceil(size / MAX_PARTS / MIB) * MIB);
}

/** Runs a step with the run's retry policy, until `signal` aborts. */
const retrying =
  ({ policy, network }: MultipartRun, signal: AbortSignal) =>
  <T>(step: () => Promise<T>): Promise<T> =>
    withRetries(step, policy, signal, network);

interface Part {
  partNumber: number;
  start: number;
  end: number;
}

function partsOf(size: number, partSize: number): Part[] {
  const count = Math.max(1, Math.ceil(size / partSize));
  return Array.from({ length: count }, (_, i) => ({ partNumber: i + 1, start: i * partSize, end: Math.min(size, (i + 1) * partSize) }));
}

/**
 * Uploads a file as an S3 multipart upload: parts in parallel, each retried and re-signed on its
 * own, then complete. An upload an earlier page left unfinished for the same file continues from
 * the parts storage already holds. A cancel aborts the upload on storage; a failure keeps it, so
 * a retry or the next page resumes it.
 */
export async function uploadMultipart(file: File, run: MultipartRun): Promise<StorageReceipt & { fileId?: string | number }> {
  const { steps, signal } = run;
  const retry = retrying(run, signal);
  const stored = new Map<number, string>();
  let session = steps.resume.load(file);
  try {
    if (session) {
      const resumed = session;
      const listed = await retry(() => steps.listParts(resumed, signal)).catch((error: unknown) => {
        if (error instanceof UploadError && error.code === 'NoSuchUpload') return undefined;
        throw error;
      });
      if (listed) for (const part of listed) stored.set(part.partNumber, part.etag);
      else session = undefined;
    }
    if (!session) {
      const created = await retry(() => steps.create(file, signal));
      session = { ...created, partSize: partSizeFor(file.size) };
      steps.resume.save(file, session);
    }
    run.onStarted();
    const parts = partsOf(file.size, session.partSize);
    for (const partNumber of stored.keys()) if (partNumber > parts.length) stored.delete(partNumber);
    await uploadParts(file, session, parts, stored, run);
    const done = parts.map(({ partNumber }) => ({ partNumber, etag: stored.get(partNumber)! }));
    const completed = session;
    const receipt = await retry(() => steps.complete(completed, done, signal));
    steps.resume.forget(file);
    return { ...receipt, key: receipt.key || session.key, fileId: session.fileId };
  } catch (error) {
    // Paused: the parts stored stay, for the resume to find.
    if (signal.aborted && session && !(signal.reason instanceof UploadPaused)) {
      // Cancelled: nothing may stay behind on storage, and nothing to resume.
      steps.resume.forget(file);
      void steps.abort(session).catch(() => {});
    }
    throw error;
  }
}

/** Sends the parts not yet in `stored`, `partConcurrency` at a time; the first failure stops the others. */
async function uploadParts(file: File, session: MultipartSession, parts: Part[], stored: Map<number, string>, run: MultipartRun): Promise<void> {
  const inFlight = new Map<number, number>();
  // Kept as a running sum: progress comes many times per part, and a file may have 10,000 parts.
  let storedBytes = parts.reduce((sum, part) => sum + (stored.has(part.partNumber) ? part.end - part.start : 0), 0);
  const report = () => run.onProgress(storedBytes + [...inFlight.values()].reduce((sum, loaded) => sum + loaded, 0));
  report();

  const stop = new AbortController();
  const onAbort = () => stop.abort(run.signal.reason);
  run.signal.addEventListener('abort', onAbort, { once: true });
  const todo = parts.filter((part) => !stored.has(part.partNumber));
  let next = 0;
  const worker = async () => {
    while (next < todo.length && !stop.signal.aborted) {
      const part = todo[next++]!;
      const etag = await uploadPart(file, session, part, run, stop.signal, (loaded) => {
        inFlight.set(part.partNumber, loaded);
        report();
      });
      inFlight.delete(part.partNumber);
      stored.set(part.partNumber, etag);
      storedBytes += part.end - part.start;
      report();
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(run.partConcurrency, todo.length) }, () =>
        worker().catch((error: unknown) => {
          stop.abort(error);
          throw error;
        }),
      ),
    );
  } finally {
    run.signal.removeEventListener('abort', onAbort);
  }
  // A cancel between two parts ends the workers without an error of their own.
  stop.signal.throwIfAborted();
}

/** One part: signed, sent with retries, signed afresh whenever its URL is expired. Answers its ETag. */
function uploadPart(
  file: File,
  session: MultipartSession,
  { partNumber, start, end }: Part,
  run: MultipartRun,
  signal: AbortSignal,
  onProgress: (loaded: number) => void,
): Promise<string> {
  return sendWithValidSignature({
    sign: () => run.steps.signPart(session, partNumber, signal),
    send: async (target) => {
      const receipt = await sendToStorage(run.transport, {
        plan: { method: 'PUT', url: target.url, headers: target.headers, key: session.key },
        key: session.key,
        body: file.slice(start, end),
        fileName: file.name,
        onProgress,
        signal,
        stallTimeout: run.stallTimeout,
      });
      if (!receipt.etag) throw etagHidden();
      return receipt.etag;
    },
    policy: run.policy,
    network: run.network,
    signal,
  });
}

function etagHidden(): UploadError {
  return new UploadError(
    'upload',
    'ETagNotExposed',
    'Storage took a part of the file, but this page may not read its ETag: the bucket\'s CORS rule must expose the ETag header (ExposeHeaders: ["ETag"]).',
  );
}
