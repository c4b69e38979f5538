import { uploadMultipart, type MultipartSteps } from './multipart-upload.js';
import { resolveKey } from './resolve-key.js';
import { ALWAYS_ONLINE, withRetries, type Network, type RetryPolicy } from './retry.js';
import { sendToStorage } from './send-to-storage.js';
import { UploadError, UploadPaused, type UploadErrorInfo, type UploadStage } from './upload-error.js';
import type { StorageReceipt, UploadPlan } from './upload-plan.js';
import { FileRejection, type RejectReason } from './validate-file.js';
import type { Transport } from './xhr-transport.js';

export type UploadStatus = 'queued' | 'signing' | 'uploading' | 'registering' | 'complete' | 'error' | 'aborted' | 'paused';

/** A read-only picture of one file's state, as `files` hands it out. */
export interface UploadSnapshot {
  readonly id: string;
  readonly file: File;
  readonly status: UploadStatus;
  readonly loaded: number;
  readonly total: number;
  readonly key?: string;
  readonly fileId?: string | number;
  readonly error?: UploadErrorInfo;
}

/** What the register step learns of a stored file. */
export interface StoredFile extends StorageReceipt {
  fileId?: string | number;
}

export interface UploadResult extends StoredFile {
  /** The register response body, parsed; absent without a register step. */
  registration?: unknown;
}

/** The I/O the queue drives, read at the moment each step runs so configuration changes apply. */
export interface UploadSteps {
  /** Throws a configuration error before anything is sent. */
  check(): void;
  /**
   * Turns the picked file into the bytes to upload (e.g. a smaller image), once, before the sign
   * step; throws a `FileRejection` to refuse the file. Absent: the picked file goes up.
   */
  prepare?: (upload: { id: string; file: File }, signal: AbortSignal) => Promise<File>;
  sign(file: File, signal: AbortSignal): Promise<UploadPlan>;
  transport: Transport;
  /** Absent: there is no register step. */
  register?: (upload: { id: string; file: File; total: number }, stored: StoredFile, signal: AbortSignal) => Promise<unknown>;
  /** Default: always online. */
  network?: Network;
  /** Files larger than `multipartThreshold` go up as S3 multipart uploads; absent: every file is one request. */
  multipart?: MultipartSteps;
}

export interface QueueConfig extends RetryPolicy {
  concurrency: number;
  /** Hold new files until `start()`. */
  manual: boolean;
  /** Ms without upload progress before the POST is given up and retried; 0: never. */
  stallTimeout: number;
  /** Bytes above which a file goes up in parts, when there are multipart steps. */
  multipartThreshold: number;
}

/** Told of every change; the element turns these into DOM events and renders. */
export interface QueueListener {
  start(upload: UploadSnapshot): void;
  /** `done`: the bytes are all out, so this is the last progress of the file. */
  progress(upload: UploadSnapshot, done: boolean): void;
  complete(upload: UploadSnapshot, result: UploadResult): void;
  error(upload: UploadSnapshot, stage: UploadStage, error: UploadErrorInfo): void;
  abort(upload: UploadSnapshot): void;
  pause?(upload: UploadSnapshot): void;
  resume?(upload: UploadSnapshot): void;
  /** The prepare step refused the file; it has left the list. */
  reject?(upload: UploadSnapshot, reason: RejectReason): void;
  /** The list or a status changed. */
  change(): void;
}

interface Entry {
  id: string;
  file: File;
  /** The bytes that go up, once the prepare step made them; until then, and without one, `file`. */
  body?: File;
  /** Bytes that go up: the size of `body`, else of `file`, or for an adopted file the size it had. */
  total: number;
  status: UploadStatus;
  loaded: number;
  key?: string;
  fileId?: string | number;
  error?: UploadErrorInfo;
  held: boolean;
  /** The signed plan; kept for retries while it has not expired. */
  plan?: UploadPlan;
  /** Set once storage holds the bytes: from then on only the register step may run again. */
  stored?: StoredFile;
  controller?: AbortController;
}

const ACTIVE: ReadonlySet<UploadStatus> = new Set(['queued', 'signing', 'uploading', 'registering', 'paused']);
/** Until its bytes are stored; a register call is too short to be worth pausing. */
const PAUSABLE: ReadonlySet<UploadStatus> = new Set(['queued', 'signing', 'uploading']);
/** Parts of one multipart file in flight at once: a few connections fill most links. */
const PART_CONCURRENCY = 4;
let lastId = 0;

/**
 * Runs uploads: sign, post to storage, register, with at most `concurrency` in flight, retries
 * of retryable failures, one fresh sign for an expired policy, and cancel/retry per file.
 * It knows no URL, JSON or DOM: all I/O comes in through `steps`.
 */
export class UploadQueue {
  #entries: Entry[] = [];
  readonly #config: () => QueueConfig;
  readonly #steps: () => UploadSteps;
  readonly #listener: QueueListener;
  #running = 0;

  constructor(config: () => QueueConfig, steps: () => UploadSteps, listener: QueueListener) {
    this.#config = config;
    this.#steps = steps;
    this.#listener = listener;
  }

  get uploads(): UploadSnapshot[] {
    return this.#entries.map(snapshot);
  }

  /** How many files are listed, without a snapshot of each. */
  get count(): number {
    return this.#entries.length;
  }

  /** Queues files (validated by the caller) and starts them unless the queue is manual. */
  add(files: readonly File[]): UploadSnapshot[] {
    const held = this.#config().manual;
    return this.#enqueue(files.map((file): Entry => ({ id: nextId(), file, total: file.size, status: 'queued', loaded: 0, held })));
  }

  /**
   * Takes over a file whose bytes an earlier page already stored, so that only its register step
   * runs. `file` stands in for the original, which that page held; `size` is the original's.
   */
  adopt(id: string, file: File, size: number, stored: StoredFile): UploadSnapshot {
    const [adopted] = this.#enqueue([
      { id, file, total: size, status: 'queued', loaded: size, held: false, stored, key: stored.key, fileId: stored.fileId },
    ]);
    return adopted!;
  }

  /** Releases files held by a manual queue. */
  start(): void {
    for (const entry of this.#entries) entry.held = false;
    this.#pump();
  }

  cancel(id?: string): void {
    for (const entry of this.#select(id)) {
      if (!ACTIVE.has(entry.status)) continue;
      entry.controller?.abort(new DOMException('Upload cancelled', 'AbortError'));
      entry.status = 'aborted';
      this.#listener.abort(snapshot(entry));
    }
    this.#listener.change();
  }

  /**
   * Pauses one upload, or all: a running one is aborted and frees its slot. A multipart upload
   * keeps the parts storage holds; a single request starts again from its first byte on resume.
   */
  pause(id?: string): void {
    for (const entry of this.#select(id)) {
      if (!PAUSABLE.has(entry.status) || entry.stored) continue;
      entry.status = 'paused';
      entry.controller?.abort(new UploadPaused());
      this.#listener.pause?.(snapshot(entry));
    }
    this.#listener.change();
  }

  resume(id?: string): void {
    for (const entry of this.#select(id)) {
      if (entry.status !== 'paused') continue;
      entry.status = 'queued';
      this.#listener.resume?.(snapshot(entry));
    }
    this.#listener.change();
    this.#pump();
  }

  retry(id?: string): void {
    for (const entry of this.#select(id)) {
      if (entry.status !== 'error' && entry.status !== 'aborted') continue;
      // A fresh sign unless the bytes are stored: the old permission may be what failed.
      if (!entry.stored) entry.plan = undefined;
      entry.status = 'queued';
      entry.error = undefined;
      entry.held = false;
    }
    this.#listener.change();
    this.#pump();
  }

  /** Takes files out of the list, cancelling them first if they are still running. */
  remove(id?: string): void {
    this.cancel(id);
    this.#entries = this.#entries.filter((entry) => id !== undefined && entry.id !== id);
    this.#listener.change();
  }

  /** Picks up a raised concurrency limit. */
  pump(): void {
    this.#pump();
  }

  #enqueue(added: Entry[]): UploadSnapshot[] {
    this.#entries.push(...added);
    this.#listener.change();
    this.#pump();
    return added.map(snapshot);
  }

  #select(id: string | undefined): Entry[] {
    return this.#entries.filter((entry) => id === undefined || entry.id === id);
  }

  #pump(): void {
    const limit = Math.max(1, this.#config().concurrency);
    for (const entry of this.#entries) {
      if (this.#running >= limit) return;
      // A paused and resumed file whose aborted run has not unwound yet starts when it has.
      if (entry.status === 'queued' && !entry.held && !entry.controller) void this.#run(entry);
    }
  }

  async #run(entry: Entry): Promise<void> {
    const controller = new AbortController();
    const { signal } = controller;
    entry.controller = controller;
    this.#running++;
    let stage: UploadStage = entry.stored ? 'register' : 'sign';
    try {
      this.#steps().check();
      if (!entry.stored) {
        await this.#prepare(entry, signal);
        this.#listener.start(snapshot(entry));
        entry.stored = await this.#store(entry, signal, (next) => (stage = next));
      }
      stage = 'register';
      const { register, network } = this.#steps();
      let registration: unknown;
      if (register) {
        this.#set(entry, 'registering');
        const stored = entry.stored;
        const upload = { id: entry.id, file: entry.body ?? entry.file, total: entry.total };
        registration = await withRetries(() => register(upload, stored, signal), this.#config(), signal, network);
      }
      entry.key = entry.stored.key;
      this.#set(entry, 'complete');
      this.#listener.complete(snapshot(entry), register ? { ...entry.stored, registration } : entry.stored);
    } catch (error) {
      // cancel() already moved the file to `aborted` and said so.
      if (signal.aborted) return;
      if (error instanceof FileRejection) return this.#reject(entry, error.reason);
      const failure = toUploadError(error, stage);
      entry.error = failure.toJSON();
      this.#set(entry, 'error');
      this.#listener.error(snapshot(entry), failure.stage, entry.error);
    } finally {
      entry.controller = undefined;
      this.#running--;
      this.#pump();
    }
  }

  /** Makes the bytes to upload once: a retry or a resume reuses them. */
  async #prepare(entry: Entry, signal: AbortSignal): Promise<void> {
    const { prepare } = this.#steps();
    if (entry.body || !prepare) return;
    const body = await prepare({ id: entry.id, file: entry.file }, signal);
    signal.throwIfAborted();
    entry.body = body;
    entry.total = body.size;
  }

  /** A file the prepare step refused leaves the list; the listener says why. */
  #reject(entry: Entry, reason: RejectReason): void {
    // Not active any more, so that remove() has nothing to cancel.
    this.#set(entry, 'error');
    this.remove(entry.id);
    this.#listener.reject?.(snapshot(entry), reason);
  }

  /** Signs (just in time) and sends the bytes; an expired policy gets one fresh sign that is not a retry. */
  async #store(entry: Entry, signal: AbortSignal, enter: (stage: UploadStage) => void): Promise<StoredFile> {
    const { multipart } = this.#steps();
    const policy = this.#config();
    const file = entry.body ?? entry.file;
    if (multipart && file.size > policy.multipartThreshold) return this.#storeInParts(entry, multipart, signal, enter);
    let resigned = false;
    for (;;) {
      const steps = this.#steps();
      const network = steps.network ?? ALWAYS_ONLINE;
      if (!entry.plan) {
        enter('sign');
        this.#set(entry, 'signing');
        entry.plan = await withRetries(() => steps.sign(file, signal), policy, signal, network);
        entry.fileId = entry.plan.fileId;
      }
      // Past its expiry before the request even starts: storage would refuse it.
      if (isExpired(entry.plan) && !resigned) {
        resigned = true;
        entry.plan = undefined;
        continue;
      }
      const { plan, key } = resolveKey(entry.plan, file.name);
      entry.key = key;
      enter('upload');
      this.#set(entry, 'uploading');
      const request = { plan, key, body: file, fileName: file.name, onProgress: this.#progressOf(entry), signal, stallTimeout: policy.stallTimeout };
      try {
        const receipt = await withRetries(() => sendToStorage(steps.transport, request), policy, signal, network);
        this.#stored(entry);
        return { ...receipt, fileId: plan.fileId };
      } catch (error) {
        if (!(error instanceof UploadError && error.expired) || resigned) throw error;
        resigned = true;
        entry.plan = undefined;
      }
    }
  }

  /** A big file as a multipart upload: started (or resumed) through the backend, sent in parts. */
  async #storeInParts(entry: Entry, steps: MultipartSteps, signal: AbortSignal, enter: (stage: UploadStage) => void): Promise<StoredFile> {
    const policy = this.#config();
    const { transport, network = ALWAYS_ONLINE } = this.#steps();
    enter('sign');
    this.#set(entry, 'signing');
    const receipt = await uploadMultipart(entry.body ?? entry.file, {
      steps,
      transport,
      policy,
      network,
      stallTimeout: policy.stallTimeout,
      partConcurrency: PART_CONCURRENCY,
      signal,
      onStarted: () => {
        enter('upload');
        this.#set(entry, 'uploading');
      },
      onProgress: this.#progressOf(entry),
    });
    entry.key = receipt.key;
    entry.fileId = receipt.fileId;
    this.#stored(entry);
    return receipt;
  }

  /** Progress of a file's bytes, never going back (a retried request starts again from 0). */
  #progressOf(entry: Entry): (loaded: number) => void {
    return (loaded) => {
      if (loaded <= entry.loaded) return;
      entry.loaded = loaded;
      this.#listener.progress(snapshot(entry), false);
    };
  }

  /** All bytes are out: the last progress of the file. */
  #stored(entry: Entry): void {
    entry.loaded = entry.total;
    this.#listener.progress(snapshot(entry), true);
  }

  #set(entry: Entry, status: UploadStatus): void {
    // A cancel or pause can land between a step's answer and this line: never step out of
    // `aborted` or `paused`, nor on after a pause even once resumed (the aborted run still unwinds).
    if (entry.status === 'aborted' || entry.status === 'paused' || entry.controller?.signal.aborted) {
      throw new DOMException('Upload cancelled', 'AbortError');
    }
    entry.status = status;
    this.#listener.change();
  }
}

function nextId(): string {
  return `upload-${Date.now().toString(36)}-${++lastId}`;
}

function isExpired(plan: UploadPlan): boolean {
  return plan.expires !== undefined && plan.expires <= Date.now();
}

function snapshot(entry: Entry): UploadSnapshot {
  const { id, file, status, loaded, total, key, fileId, error } = entry;
  return Object.freeze({ id, file, status, loaded, total, key, fileId, error });
}

/** Whatever went wrong becomes one error with a stage, a code and a message. */
function toUploadError(error: unknown, stage: UploadStage): UploadError {
  if (error instanceof UploadError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UploadError(stage, 'UnexpectedError', message || 'Something went wrong.', { cause: error });
}
