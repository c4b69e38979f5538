import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  checkConfig,
  registrationRequest,
  sendRegistration,
  signUpload,
  type BackendConfig,
  type RegistrationRequest,
} from './backend/backend-steps.js';
import { multipartSteps } from './backend/multipart-steps.js';
import { RegistrationJournal } from './backend/registration-journal.js';
import { browserNetwork } from './engine/browser-network.js';
import { UploadQueue, type QueueConfig, type Registration, type StoredFile, type UploadSnapshot, type UploadSteps } from './engine/upload-queue.js';
import { FileRejection, rejectReason, type FileRules, type RejectReason } from './engine/validate-file.js';
import { createXhrTransport, type Transport } from './engine/xhr-transport.js';
import type { PresignedUploaderEventMap } from './events.js';
import { canResize, resizeImage, type ResizeSettings } from './image/resize-image.js';
import { afterNextFrame } from './ui/next-frame.js';

type Detail<K extends keyof PresignedUploaderEventMap> = PresignedUploaderEventMap[K]['detail'];

export interface UploadControllerOptions {
  queue(): QueueConfig;
  backend(): BackendConfig;
  emit<K extends keyof PresignedUploaderEventMap>(type: K, detail: Detail<K>): void;
  /** A call of `add` has validated and queued all its files. */
  added?(batch: AddedBatch): void;
  /** The list or a status changed (not progress): counts and totals are up to date. */
  changed?(): void;
  /** Whether the host shows the files (default: it does); when it does not, their changes ask it for no render. */
  shown?(): boolean;
  transport?: Transport;
  /** Images to make smaller before upload, and the `max-size` that then applies to the smaller bytes; undefined: no resizing. */
  resize?(): (ResizeSettings & { maxSize?: number }) | undefined;
}

/** What one call of `add` did, once all its slices ran. */
export interface AddedBatch {
  accepted: number;
  rejected: number;
}

type AddRules = FileRules & { maxFiles?: number; single?: boolean };

/** A call of `add` still being validated and queued. */
interface Backlog extends AddedBatch {
  files: File[];
  next: number;
  rules: AddRules;
}

export interface Rejection {
  id: string;
  file: File;
  reason: RejectReason;
}

let lastRejection = 0;
/** Main-thread time one slice of `add` may take: well under the 50 ms of a long task. */
const SLICE_MS = 8;
/** Pending registrations a connected uploader of this page holds: its own, or taken over. */
const adopted = new Set<string>();

/**
 * Connects the element to the upload engine: validates picked files, builds the engine's steps
 * from the backend layer, turns queue news into DOM events (progress at most once per animation
 * frame per file, the last one included) and re-renders the host.
 */
export class UploadController implements ReactiveController {
  readonly queue: UploadQueue;
  /** Files refused by validation, shown until dismissed. */
  readonly rejected: Rejection[] = [];
  readonly #host: ReactiveControllerHost;
  readonly #options: UploadControllerOptions;
  readonly #pendingProgress = new Map<string, UploadSnapshot>();
  /** Files that had a progress event in this frame: the next one waits for the next frame. */
  readonly #sentThisFrame = new Set<string>();
  /** Events that must follow a file's last progress while that waits for a frame, by upload id. */
  readonly #afterLastProgress = new Map<string, Array<() => void>>();
  /** Register calls of files recovered from an earlier page, by upload id. */
  readonly #recovered = new Map<string, RegistrationRequest>();
  /** Register calls of this uploader in the journal, by upload id: no other uploader may recover those. */
  readonly #journaled = new Map<string, RegistrationRequest>();
  readonly #transport: Transport;
  /** Calls of `add` not yet fully queued, oldest first. */
  readonly #backlog: Backlog[] = [];
  /** Thumbnails drawn by the resize step from its decode, by upload id. */
  readonly #previews = new Map<string, Blob>();
  #cancelFrame?: () => void;

  constructor(host: ReactiveControllerHost, options: UploadControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
    this.#transport = options.transport ?? createXhrTransport();
    const { emit } = options;
    this.queue = new UploadQueue(options.queue, () => this.#steps(), {
      start: ({ id, file }) => emit('upload-start', { id, file }),
      progress: (upload, done) => this.#progress(upload, done),
      complete: ({ id, file }, result) => {
        const { key, location, etag, fileId } = result;
        const detail: Detail<'upload-complete'> = { id, file, key, location, etag, fileId };
        if ('registration' in result) detail.registration = result.registration;
        this.#afterProgress(id, () => emit('upload-complete', detail));
      },
      error: ({ id, file }, stage, error) => this.#afterProgress(id, () => emit('upload-error', { id, file, stage, error })),
      abort: ({ id, file }) => {
        this.#pendingProgress.delete(id);
        this.#afterLastProgress.delete(id);
        this.#forget(id);
        emit('upload-abort', { id, file });
      },
      pause: ({ id, file }) => emit('upload-pause', { id, file }),
      resume: ({ id, file }) => emit('upload-resume', { id, file }),
      reject: ({ id, file }, reason) => {
        this.#previews.delete(id);
        this.#refuse(id, file, reason);
      },
      change: () => {
        options.changed?.();
        this.#requestRender();
      },
    });
  }

  /** How many files the `add` call being validated now was given; 0 when none is. */
  get batchSize(): number {
    return this.#backlog[0]?.files.length ?? 0;
  }

  /**
   * Queues the files that pass the rules; the others fire `file-reject` and are listed as refused.
   * A big batch is taken in slices of a few milliseconds that yield to the page in between, in
   * order: the first slice runs at once, so the first uploads start within this call.
   */
  add(files: Iterable<File>, rules: AddRules): void {
    this.#backlog.push({ files: [...files], next: 0, rules, accepted: 0, rejected: 0 });
    if (this.#backlog.length === 1) this.#addSlice();
  }

  #addSlice(): void {
    const deadline = performance.now() + SLICE_MS;
    const resizing = this.#options.resize?.() !== undefined;
    const accepted: File[] = [];
    let batch: Backlog | undefined;
    while ((batch = this.#backlog[0])) {
      const { files, rules } = batch;
      while (batch.next < files.length) {
        const file = files[batch.next++]!;
        // An image to be resized meets `max-size` once its smaller bytes are known (see #prepare).
        let reason = rejectReason(file, resizing && canResize(file) ? { ...rules, maxSize: undefined } : rules);
        const room = (rules.maxFiles ?? Infinity) - this.queue.count - accepted.length;
        if (!reason && (room <= 0 || (rules.single && batch.accepted > 0))) reason = 'count';
        if (reason) {
          batch.rejected++;
          this.#refuse(`rejected-${++lastRejection}`, file, reason);
        } else {
          batch.accepted++;
          accepted.push(file);
        }
        if (batch.next % 64 === 0 && performance.now() > deadline) break;
      }
      if (batch.next < files.length) break;
      this.#backlog.shift();
      // Queued before telling, so the news counts the files of this slice too.
      if (accepted.length > 0) this.queue.add(accepted.splice(0));
      this.#options.added?.({ accepted: batch.accepted, rejected: batch.rejected });
    }
    if (accepted.length > 0) this.queue.add(accepted);
    this.#requestRender();
    if (this.#backlog.length > 0) setTimeout(() => this.#addSlice());
  }

  /** Takes files out of the list; a register call they still owe is dropped with them. */
  remove(id?: string): void {
    if (id === undefined) {
      // Files still waiting for their slice go too: the list is emptied.
      this.#backlog.length = 0;
      for (const upload of this.queue.uploads) this.#forget(upload.id);
      this.#previews.clear();
    } else {
      this.#forget(id);
      this.#previews.delete(id);
    }
    this.queue.remove(id);
  }

  /**
   * What a file's thumbnail shows: the resize step's preview, the file itself when it is not
   * resized, or nothing while it waits to be decoded (decoding it for the thumbnail too would
   * decode it twice).
   */
  thumbnailOf(id: string, file: File): Blob | undefined {
    return this.#previews.get(id) ?? (this.#resizes(file) ? undefined : file);
  }

  /**
   * Finishes the register calls an earlier page owed for this register endpoint: their bytes are
   * stored, so only the register step runs, and `upload-complete` fires as usual. The `file` of
   * such an upload is an empty stand-in with the original's name, type and date.
   */
  recover(): void {
    const { registerEndpoint } = this.#options.backend();
    if (!registerEndpoint) return;
    for (const pending of new RegistrationJournal(registerEndpoint).pending()) {
      if (adopted.has(pending.id)) continue;
      adopted.add(pending.id);
      this.#recovered.set(pending.id, pending.request);
      const { name, type, size, lastModified } = pending.file;
      this.queue.adopt(pending.id, new File([], name, { type, lastModified }), size, pending.stored);
    }
  }

  /** Forgets one refused file by id, or all. */
  dismiss(id?: string): void {
    if (id === undefined) this.rejected.length = 0;
    else {
      const index = this.rejected.findIndex((rejection) => rejection.id === id);
      if (index >= 0) this.rejected.splice(index, 1);
    }
    this.#requestRender();
  }

  hostConnected(): void {
    for (const id of this.#journaled.keys()) adopted.add(id);
  }

  hostDisconnected(): void {
    // A removed uploader's owed calls are free again for the next one, as on the next page.
    for (const id of this.#journaled.keys()) adopted.delete(id);
    this.#cancelFrame?.();
    this.#cancelFrame = undefined;
    this.#sentThisFrame.clear();
    this.#flush();
  }

  /** The engine's I/O, built from the configuration as it is when a step starts. */
  #steps(): UploadSteps {
    const backend = this.#options.backend();
    const { registerEndpoint, multipartEndpoint } = backend;
    const resize = this.#options.resize?.();
    return {
      check: () => checkConfig(backend),
      prepare: resize ? (upload, signal) => this.#prepare(upload, resize, signal) : undefined,
      sign: (file, signal) => signUpload(backend, file, signal),
      transport: this.#transport,
      register: registerEndpoint
        ? (upload, stored, signal) => this.#register({ ...backend, registerEndpoint }, upload, stored, signal)
        : undefined,
      owe: registerEndpoint ? (upload, stored) => this.#owe({ ...backend, registerEndpoint }, upload, stored) : undefined,
      network: browserNetwork,
      multipart: multipartEndpoint ? multipartSteps({ ...backend, multipartEndpoint }) : undefined,
    };
  }

  /** The bytes to upload: a smaller image where resizing makes one, refused when still over `max-size`. */
  async #prepare({ id, file }: { id: string; file: File }, { maxSize, ...settings }: ResizeSettings & { maxSize?: number }, signal: AbortSignal): Promise<File> {
    const resized = await resizeImage(file, settings, signal);
    if (resized.preview) this.#previews.set(id, resized.preview);
    if (maxSize !== undefined && resized.file.size > maxSize) throw new FileRejection('size');
    return resized.file;
  }

  #resizes(file: File): boolean {
    return this.#options.resize?.() !== undefined && canResize(file);
  }

  #refuse(id: string, file: File, reason: RejectReason): void {
    const rejection = { id, file, reason };
    this.rejected.push(rejection);
    this.#options.emit('file-reject', rejection);
    this.#requestRender();
  }

  /** Keeps the register call a stored file owes in the journal until the backend answers, so a reload or a failure loses nothing. */
  #owe(backend: BackendConfig & { registerEndpoint: string }, { id, file, total }: Registration, stored: StoredFile): RegistrationRequest {
    const request = this.#recovered.get(id) ?? registrationRequest(backend, file, stored);
    const { name, type, lastModified } = file;
    new RegistrationJournal(backend.registerEndpoint).save({ id, request, stored, file: { name, type, size: total, lastModified }, savedAt: Date.now() });
    this.#journaled.set(id, request);
    adopted.add(id);
    return request;
  }

  /** Registers a stored file, journaled first unless it already is (a retry, or a call owed since the bytes were stored). */
  async #register(backend: BackendConfig & { registerEndpoint: string }, upload: Registration, stored: StoredFile, signal: AbortSignal): Promise<unknown> {
    const { id } = upload;
    const request = this.#journaled.get(id) ?? this.#owe(backend, upload, stored);
    const answer = await sendRegistration(request, backend.headers, signal);
    this.#settle(id, backend.registerEndpoint);
    return answer;
  }

  #forget(id: string): void {
    // Only these have an entry: skipping the others spares cancelling 10,000 files as many localStorage calls.
    if (this.#journaled.has(id) || this.#recovered.has(id)) this.#settle(id, this.#options.backend().registerEndpoint);
  }

  /**
   * Drops a register call that is owed no more (answered, or its file taken out): its journal entry,
   * and its id from this page's adopted calls, which would otherwise keep one id for every file uploaded.
   */
  #settle(id: string, registerEndpoint: string | undefined): void {
    if (registerEndpoint) new RegistrationJournal(registerEndpoint).remove(id);
    this.#journaled.delete(id);
    this.#recovered.delete(id);
    adopted.delete(id);
  }

  /**
   * Asks the host for a render, unless it shows no files (`headless`): each render costs a frame's
   * work in the renderer, and files change thousands of times.
   */
  #requestRender(): void {
    if (this.#options.shown?.() !== false) this.#host.requestUpdate();
  }

  #progress(upload: UploadSnapshot, done: boolean): void {
    const { id } = upload;
    if (done && !this.#sentThisFrame.has(id)) {
      // The last progress goes out at once when it can: the page waits for it.
      this.#pendingProgress.delete(id);
      this.#emitProgress(upload, true);
      return;
    }
    this.#pendingProgress.set(id, upload);
    if (done) this.#afterLastProgress.set(id, []);
    this.#scheduleFrame();
  }

  /** Runs `emit` now, or after the file's last progress event when that still waits for a frame. */
  #afterProgress(id: string, emit: () => void): void {
    const waiting = this.#afterLastProgress.get(id);
    if (waiting) waiting.push(emit);
    else emit();
  }

  #scheduleFrame(): void {
    this.#cancelFrame ??= afterNextFrame(() => {
      this.#cancelFrame = undefined;
      this.#sentThisFrame.clear();
      this.#flush();
    });
  }

  #flush(): void {
    const pending = [...this.#pendingProgress.values()];
    this.#pendingProgress.clear();
    for (const upload of pending) {
      // Held for a file's last progress only, so it says which this is. Taken before the event: a
      // handler of it may report the file's last progress, which then waits anew.
      const waiting = this.#afterLastProgress.get(upload.id);
      this.#afterLastProgress.delete(upload.id);
      this.#emitProgress(upload, waiting !== undefined);
      for (const emit of waiting ?? []) emit();
    }
  }

  /**
   * `last`: no progress of the file can follow, so none needs holding to the next frame, and no
   * frame is asked for: with small files most progress is last, and a frame costs its paint and commit.
   */
  #emitProgress({ id, file, loaded, total }: UploadSnapshot, last: boolean): void {
    const percent = total > 0 ? Math.min(100, (loaded / total) * 100) : 100;
    if (!last) {
      this.#sentThisFrame.add(id);
      this.#scheduleFrame();
    }
    this.#options.emit('upload-progress', { id, file, loaded, total, percent });
    this.#requestRender();
  }
}
