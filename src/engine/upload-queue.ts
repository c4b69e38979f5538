import { uploadMultipart, type MultipartSteps } from './multipart-upload.js';
import { resolveKey } from './resolve-key.js';
import { ALWAYS_ONLINE, withRetries, type Network, type RetryPolicy } from './retry.js';
import { sendToStorage } from './send-to-storage.js';
import { sendWithValidSignature } from './send-with-valid-signature.js';
import { UploadError, UploadPaused, type UploadErrorInfo, type UploadStage } from './upload-error.js';
import type { StorageReceipt, UploadPlan } from './upload-plan.js';
import { isActive, PAUSABLE, UploadTally } from './upload-tally.js';
import { FileRejection, type RejectReason } from './validate-file.js';
import { WaitingLine } from './waiting-line.js';
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

/** What a register call is about: the file as uploaded (resized or not) and its size. */
export interface Registration {
  id: string;
  file: File;
  total: number;
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
  register?: (upload: Registration, stored: StoredFile, signal: AbortSignal) => Promise<unknown>;
  /**
   * Told as soon as storage holds the bytes of a file with a register step, before the call waits
   * for a register slot: from then on the call is owed, and may be kept to survive the page.
   */
  owe?: (upload: Registration, stored: StoredFile) => void;
  /** Default: always online. */
  network?: Network;
  /** Files larger than `multipartThreshold` go up as S3 multipart uploads; absent: every file is one request. */
  multipart?: MultipartSteps;
}

export interface QueueConfig extends RetryPolicy {
  /** Upload slots: files whose bytes (or sign answer, when not signed ahead) are on their way. */
  concurrency: number;
  /** Most files holding a sign answer (or waiting for one) without a slot; default `concurrency`, 0: none. */
  signAhead?: number;
  /** Register calls at once, outside the upload slots; default `concurrency`. */
  registerConcurrency?: number;
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
  /** Place in the order files were listed: the waiting line follows it. */
  seq: number;
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
  /** A plan signed ahead, before the file had a slot, and when it arrived. */
  plan?: UploadPlan;
  signedAt?: number;
  /** Signing or signed ahead: counted in `#ahead` until it takes a slot, ends or is cancelled. */
  ahead?: boolean;
  /** Holds a slot and its bytes are going out: counted in `#sending`. */
  sending?: boolean;
  /** Set once storage holds the bytes: from then on only the register step may run again. */
  stored?: StoredFile;
  controller?: AbortController;
  /** The frozen snapshot of the entry as it is; dropped on every change. */
  snapshot?: UploadSnapshot;
}

/** Parts of one multipart file in flight at once: a few connections fill most links. */
const PART_CONCURRENCY = 4;
let lastId = 0;
let lastSeq = 0;

/**
 * Runs uploads: sign, post to storage, register, with at most `concurrency` in flight, retries
 * of retryable failures, one fresh sign for an expired policy, and cancel/retry per file.
 * It knows no URL, JSON or DOM: all I/O comes in through `steps`.
 */
export class UploadQueue {
  /** Counts, bytes and form values of the whole list, kept up to date file by file. */
  readonly tally = new UploadTally();
  /** The list in order; `#byId` finds an entry without a walk. */
  #entries: Entry[] = [];
  readonly #byId = new Map<string, Entry>();
  readonly #waiting = new WaitingLine<Entry>();
  /** Entries a manual queue holds until `start()`. */
  #held: Entry[] = [];
  /** The snapshots `uploads` hands out, built when asked for after a change. */
  #list?: UploadSnapshot[];
  readonly #config: () => QueueConfig;
  readonly #steps: () => UploadSteps;
  readonly #listener: QueueListener;
  /** Upload slots taken. */
  #uploading = 0;
  /** Files signing or signed ahead of a slot. */
  #ahead = 0;
  /** Of those, the ones whose plan is still on its way: each will fill a slot that frees sooner than a fresh sign would. */
  #signingAhead = 0;
  /** Upload slots whose bytes are going out (not waiting for their sign answer). */
  #sending = 0;
  #registering = 0;
  /** Files signed ahead, waiting for a slot, in order. */
  #ready: Entry[] = [];
  /** Stored files waiting for a register call, in order. */
  #toRegister: Entry[] = [];

  constructor(config: () => QueueConfig, steps: () => UploadSteps, listener: QueueListener) {
    this.#config = config;
    this.#steps = steps;
    this.#listener = listener;
  }

  get uploads(): UploadSnapshot[] {
    this.#list ??= this.#entries.map((entry) => this.#snapshot(entry));
    return [...this.#list];
  }

  /** How many files are listed, without a snapshot of each. */
  get count(): number {
    return this.#entries.length;
  }

  /** The file at `index` in the list, without a snapshot of the others. */
  at(index: number): UploadSnapshot | undefined {
    const entry = this.#entries[index];
    return entry && this.#snapshot(entry);
  }

  /** Where a file is in the list; -1 when it is not listed. A walk: not for every event. */
  indexOf(id: string): number {
    const entry = this.#byId.get(id);
    return entry ? this.#entries.indexOf(entry) : -1;
  }


  /** Queues files (validated by the caller) and starts them unless the queue is manual. */
  add(files: readonly File[]): UploadSnapshot[] {
    const held = this.#config().manual;
    return this.#enqueue(files.map((file): Entry => ({ id: nextId(), seq: ++lastSeq, file, total: file.size, status: 'queued', loaded: 0, held })));
  }

  /**
   * Takes over a file whose bytes an earlier page already stored, so that only its register step
   * runs. `file` stands in for the original, which that page held; `size` is the original's.
   */
  adopt(id: string, file: File, size: number, stored: StoredFile): UploadSnapshot {
    const [adopted] = this.#enqueue([
      { id, seq: ++lastSeq, file, total: size, status: 'queued', loaded: size, held: false, stored, key: stored.key, fileId: stored.fileId },
    ]);
    return adopted!;
  }

  /** Releases files held by a manual queue. */
  start(): void {
    for (const entry of this.#held.splice(0)) {
      entry.held = false;
      this.#wait(entry);
    }
    this.#pump();
  }

  cancel(id?: string): void {
    for (const entry of this.#select(id)) {
      if (!isActive(entry.status)) continue;
      this.#stop(entry, 'aborted', new DOMException('Upload cancelled', 'AbortError'));
      this.#listener.abort(this.#snapshot(entry));
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
      this.#stop(entry, 'paused', new UploadPaused());
      this.#listener.pause?.(this.#snapshot(entry));
    }
    this.#listener.change();
  }

  resume(id?: string): void {
    for (const entry of this.#select(id)) {
      if (entry.status !== 'paused') continue;
      this.#update(entry, () => (entry.status = 'queued'));
      this.#wait(entry);
      this.#listener.resume?.(this.#snapshot(entry));
    }
    this.#listener.change();
    this.#pump();
  }

  /**
   * Aborts whatever the file is doing. A cancelled file drops its plan (a retry signs afresh); a
   * paused one keeps it, used on resume while still valid.
   */
  #stop(entry: Entry, status: 'aborted' | 'paused', reason: DOMException): void {
    entry.controller?.abort(reason);
    entry.controller = undefined;
    if (status === 'aborted') entry.plan = undefined;
    this.#leaveAhead(entry);
    this.#update(entry, () => (entry.status = status));
  }

  retry(id?: string): void {
    for (const entry of this.#select(id)) {
      if (entry.status !== 'error' && entry.status !== 'aborted') continue;
      this.#update(entry, () => {
        // A fresh sign unless the bytes are stored: the old permission may be what failed.
        if (!entry.stored) entry.plan = undefined;
        entry.status = 'queued';
        entry.error = undefined;
        entry.held = false;
      });
      this.#wait(entry);
    }
    this.#listener.change();
    this.#pump();
  }

  /** Takes files out of the list, cancelling them first if they are still running. */
  remove(id?: string): void {
    this.cancel(id);
    const removed = this.#select(id);
    for (const entry of removed) {
      this.tally.remove(entry);
      this.#byId.delete(entry.id);
    }
    if (id === undefined) {
      this.#entries = [];
      this.#held = [];
      this.#ready = [];
      this.#toRegister = [];
      this.#waiting.clear();
    } else if (removed[0]) {
      this.#entries.splice(this.#entries.indexOf(removed[0]), 1);
    }
    this.#list = undefined;
    this.#listener.change();
    // Lets the waiting line drop what it still holds of removed files.
    this.#pump();
  }

  /** Picks up a raised concurrency limit. */
  pump(): void {
    this.#pump();
  }

  #enqueue(added: Entry[]): UploadSnapshot[] {
    for (const entry of added) {
      this.#entries.push(entry);
      this.#byId.set(entry.id, entry);
      this.tally.add(entry);
      if (entry.held) this.#held.push(entry);
      else this.#wait(entry);
    }
    this.#list = undefined;
    this.#listener.change();
    this.#pump();
    return added.map((entry) => this.#snapshot(entry));
  }

  /** One file by id, or all: a walk over the list only when all are asked for. */
  #select(id: string | undefined): Entry[] {
    if (id === undefined) return [...this.#entries];
    const entry = this.#byId.get(id);
    return entry ? [entry] : [];
  }

  #wait(entry: Entry): void {
    this.#waiting.push(entry);
  }

  /**
   * Hands out the three kinds of slot, each under its own limit: upload slots (the next file signed
   * ahead, else the next waiting one), signs ahead of a slot while no slot signs for itself, and
   * register calls. A file holds an upload slot for its POST or PUT (and its sign, when it was not
   * signed ahead) and nothing else.
   */
  #pump(): void {
    const config = this.#config();
    const limit = Math.max(1, config.concurrency);
    while (this.#uploading < limit) {
      // A free slot takes a plan signed ahead; with none ready, it leaves itself to a plan already
      // on its way (sooner than a sign started now) and only else signs for itself.
      const entry = this.#nextReady() ?? (this.#uploading + this.#signingAhead < limit ? this.#nextWaiting() : undefined);
      if (!entry) break;
      void this.#upload(entry);
    }
    const { multipart } = this.#steps();
    const aheadLimit = Math.max(0, config.signAhead ?? limit);
    const later: Entry[] = [];
    // Not while a slot signs for itself: a plan signed ahead would not help it.
    while (this.#ahead < aheadLimit && this.#sending === this.#uploading) {
      const entry = this.#nextWaiting();
      if (!entry) break;
      // A multipart `create` allocates an upload on storage: never ahead of time.
      if (multipart && (entry.body ?? entry.file).size > config.multipartThreshold) later.push(entry);
      else void this.#signAhead(entry);
    }
    for (const entry of later) this.#waiting.push(entry);
    const registerLimit = Math.max(1, config.registerConcurrency ?? limit);
    while (this.#registering < registerLimit) {
      const entry = this.#toRegister.shift();
      if (!entry) break;
      if (entry.status === 'registering' && this.#listed(entry)) void this.#register(entry);
    }
  }

  /** The next file signed ahead that is still waiting for a slot. */
  #nextReady(): Entry | undefined {
    for (let entry; (entry = this.#ready.shift()); ) if (entry.ahead && entry.status === 'signing' && this.#listed(entry)) return entry;
    return undefined;
  }

  /** The next waiting file; one whose bytes are stored goes straight on to its register call. */
  #nextWaiting(): Entry | undefined {
    for (let entry; (entry = this.#waiting.shift()); ) {
      // The line keeps files that were cancelled, removed or started since: they are skipped here.
      if (entry.status !== 'queued' || entry.held || entry.controller || !this.#listed(entry)) continue;
      if (!entry.stored) return entry;
      this.#afterStored(entry);
    }
    return undefined;
  }

  #listed(entry: Entry): boolean {
    return this.#byId.get(entry.id) === entry;
  }

  /** The file's controller for all its steps, until it ends or is cancelled. */
  #begin(entry: Entry): AbortSignal {
    entry.controller ??= new AbortController();
    return entry.controller.signal;
  }

  #leaveAhead(entry: Entry): void {
    if (!entry.ahead) return;
    entry.ahead = false;
    this.#ahead--;
  }

  /** Signs before a slot is free, so the slot sends bytes at once; `upload-start` fires now. */
  async #signAhead(entry: Entry): Promise<void> {
    const signal = this.#begin(entry);
    entry.ahead = true;
    this.#ahead++;
    this.#signingAhead++;
    try {
      const steps = this.#steps();
      steps.check();
      const file = await this.#prepare(entry, signal);
      this.#listener.start(this.#snapshot(entry));
      this.#set(entry, 'signing', signal);
      const plan = await withRetries(() => steps.sign(file, signal), this.#config(), signal, steps.network ?? ALWAYS_ONLINE);
      if (signal.aborted) return;
      entry.plan = plan;
      entry.signedAt = Date.now();
      this.#ready.push(entry);
    } catch (error) {
      this.#leaveAhead(entry);
      this.#fail(entry, signal, error, 'sign');
    } finally {
      this.#signingAhead--;
      this.#pump();
    }
  }

  /** Holds an upload slot while the bytes go out (signing first unless signed ahead). */
  async #upload(entry: Entry): Promise<void> {
    const signal = this.#begin(entry);
    const ahead = entry.ahead;
    this.#leaveAhead(entry);
    this.#uploading++;
    let stage: UploadStage = 'sign';
    try {
      this.#steps().check();
      if (!ahead) {
        // Only a prepare step waits here: without one, upload-start fires within this call.
        if (this.#steps().prepare) await this.#prepare(entry, signal);
        this.#listener.start(this.#snapshot(entry));
      }
      entry.stored = await this.#store(entry, signal, (next) => (stage = next));
      this.#afterStored(entry, signal);
    } catch (error) {
      this.#fail(entry, signal, error, stage);
    } finally {
      this.#markSending(entry, false);
      this.#uploading--;
      this.#pump();
    }
  }

  #markSending(entry: Entry, on: boolean): void {
    if (!!entry.sending === on) return;
    entry.sending = on;
    this.#sending += on ? 1 : -1;
  }

  /** The bytes to upload, made once by the prepare step (a retry or a resume reuses them). */
  async #prepare(entry: Entry, signal: AbortSignal): Promise<File> {
    const { prepare } = this.#steps();
    if (!entry.body && prepare) {
      const body = await prepare({ id: entry.id, file: entry.file }, signal);
      signal.throwIfAborted();
      this.#update(entry, () => {
        entry.body = body;
        entry.total = body.size;
      });
    }
    return entry.body ?? entry.file;
  }

  /** The bytes are stored: the register call waits for a slot of its own, or the file is complete. */
  #afterStored(entry: Entry, signal?: AbortSignal): void {
    const { register, owe } = this.#steps();
    if (!register) return this.#complete(entry, entry.stored!, signal);
    this.#set(entry, 'registering', signal);
    owe?.(this.#registration(entry), entry.stored!);
    this.#toRegister.push(entry);
  }

  #registration(entry: Entry): Registration {
    return { id: entry.id, file: entry.body ?? entry.file, total: entry.total };
  }

  async #register(entry: Entry): Promise<void> {
    const signal = this.#begin(entry);
    this.#registering++;
    try {
      const { register, network } = this.#steps();
      const stored = entry.stored!;
      const upload = this.#registration(entry);
      const registration = register && (await withRetries(() => register(upload, stored, signal), this.#config(), signal, network));
      this.#complete(entry, register ? { ...stored, registration } : stored, signal);
    } catch (error) {
      this.#fail(entry, signal, error, 'register');
    } finally {
      this.#registering--;
      this.#pump();
    }
  }

  #complete(entry: Entry, result: UploadResult, signal?: AbortSignal): void {
    this.#set(entry, 'complete', signal, () => (entry.key = result.key));
    entry.controller = entry.plan = undefined;
    this.#listener.complete(this.#snapshot(entry), result);
  }

  #fail(entry: Entry, signal: AbortSignal, error: unknown, stage: UploadStage): void {
    // cancel() or pause() already moved the file on, said so, and let go of its controller.
    if (signal.aborted) return;
    entry.controller = entry.plan = undefined;
    if (error instanceof FileRejection) return this.#reject(entry, error.reason);
    const failure = toUploadError(error, stage);
    const info = failure.toJSON();
    this.#set(entry, 'error', signal, () => (entry.error = info));
    this.#listener.error(this.#snapshot(entry), failure.stage, info);
  }

  /** A file the prepare step refused leaves the list; the listener says why. */
  #reject(entry: Entry, reason: RejectReason): void {
    // Not active any more, so that remove() has nothing to cancel.
    this.#update(entry, () => (entry.status = 'error'));
    this.remove(entry.id);
    this.#listener.reject?.(this.#snapshot(entry), reason);
  }

  /** Signs (just in time) and sends the bytes, signed afresh whenever the signature is expired. */
  async #store(entry: Entry, signal: AbortSignal, enter: (stage: UploadStage) => void): Promise<StoredFile> {
    const { multipart, network = ALWAYS_ONLINE } = this.#steps();
    const policy = this.#config();
    const { body: file = entry.file, plan: ahead, signedAt = 0 } = entry;
    if (multipart && file.size > policy.multipartThreshold) return this.#storeInParts(entry, multipart, signal, enter);
    return sendWithValidSignature({
      sign: () => this.#steps().sign(file, signal),
      signed: ahead && { signature: ahead, at: signedAt },
      send: async (signed) => {
        const { plan, key } = resolveKey(signed, file.name);
        const request = { plan, key, body: file, fileName: file.name, onProgress: this.#progressOf(entry), signal, stallTimeout: policy.stallTimeout };
        const receipt = await sendToStorage(this.#steps().transport, request);
        this.#stored(entry);
        return { ...receipt, fileId: plan.fileId };
      },
      policy,
      network,
      signal,
      onSigning: () => {
        enter('sign');
        this.#markSending(entry, false);
        this.#set(entry, 'signing', signal);
      },
      onSigned: (plan) => {
        // Kept for a resume after a pause, used while still valid.
        if (plan !== entry.plan) [entry.plan, entry.signedAt] = [plan, Date.now()];
        enter('upload');
        this.#set(entry, 'uploading', signal, () => {
          entry.fileId = plan.fileId;
          entry.key = resolveKey(plan, file.name).key;
        });
        // The slot sends bytes now: time to sign the next files ahead.
        this.#markSending(entry, true);
        this.#pump();
      },
    });
  }

  /** A big file as a multipart upload: started (or resumed) through the backend, sent in parts. */
  async #storeInParts(entry: Entry, steps: MultipartSteps, signal: AbortSignal, enter: (stage: UploadStage) => void): Promise<StoredFile> {
    const policy = this.#config();
    const { transport, network = ALWAYS_ONLINE } = this.#steps();
    enter('sign');
    this.#set(entry, 'signing', signal);
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
        this.#set(entry, 'uploading', signal);
        this.#markSending(entry, true);
        this.#pump();
      },
      onProgress: this.#progressOf(entry),
    });
    this.#update(entry, () => {
      entry.key = receipt.key;
      entry.fileId = receipt.fileId;
    });
    this.#stored(entry);
    return receipt;
  }

  /** Progress of a file's bytes, never going back (a retried request starts again from 0). */
  #progressOf(entry: Entry): (loaded: number) => void {
    return (loaded) => {
      if (loaded <= entry.loaded) return;
      this.#update(entry, () => (entry.loaded = loaded));
      // All bytes reported: progress never goes back, so none can follow.
      this.#listener.progress(this.#snapshot(entry), loaded >= entry.total);
    };
  }

  /** Storage has the bytes: the last progress of the file, unless the request already reported them all. */
  #stored(entry: Entry): void {
    if (entry.total > 0 && entry.loaded >= entry.total) return;
    this.#update(entry, () => (entry.loaded = entry.total));
    this.#listener.progress(this.#snapshot(entry), true);
  }

  /**
   * A cancel or pause can land between a step's answer and this line: never step out of `aborted`
   * or `paused`, nor on from a run that was stopped (a resumed file runs anew).
   */
  #set(entry: Entry, status: UploadStatus, signal?: AbortSignal, alsoChange?: () => void): void {
    if (entry.status === 'aborted' || entry.status === 'paused' || signal?.aborted) throw new DOMException('Upload cancelled', 'AbortError');
    this.#update(entry, () => {
      alsoChange?.();
      entry.status = status;
    });
    this.#listener.change();
  }

  /** Every change of an entry goes through here: the tally and the snapshots follow it in O(1). */
  #update(entry: Entry, change: () => void): void {
    const listed = this.#byId.get(entry.id) === entry;
    if (listed) this.tally.remove(entry);
    change();
    if (listed) this.tally.add(entry);
    entry.snapshot = undefined;
    this.#list = undefined;
  }

  #snapshot(entry: Entry): UploadSnapshot {
    if (entry.snapshot) return entry.snapshot;
    const { id, file, status, loaded, total, key, fileId, error } = entry;
    return (entry.snapshot = Object.freeze({ id, file, status, loaded, total, key, fileId, error }));
  }
}

function nextId(): string {
  return `upload-${Date.now().toString(36)}-${++lastId}`;
}

/** Whatever went wrong becomes one error with a stage, a code and a message. */
function toUploadError(error: unknown, stage: UploadStage): UploadError {
  if (error instanceof UploadError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UploadError(stage, 'UnexpectedError', message || 'Something went wrong.', { cause: error });
}
