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
import { UploadQueue, type QueueConfig, type StoredFile, type UploadSnapshot, type UploadSteps } from './engine/upload-queue.js';
import { rejectReason, type FileRules, type RejectReason } from './engine/validate-file.js';
import { createXhrTransport, type Transport } from './engine/xhr-transport.js';
import type { PresignedUploaderEventMap } from './events.js';
import { afterNextFrame } from './ui/next-frame.js';

type Detail<K extends keyof PresignedUploaderEventMap> = PresignedUploaderEventMap[K]['detail'];

export interface UploadControllerOptions {
  queue(): QueueConfig;
  backend(): BackendConfig;
  emit<K extends keyof PresignedUploaderEventMap>(type: K, detail: Detail<K>): void;
  transport?: Transport;
}

export interface Rejection {
  id: string;
  file: File;
  reason: RejectReason;
}

let lastRejection = 0;
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
  rejected: Rejection[] = [];
  /** Grows with every change of the list or of a status (not with progress), so the host can skip work. */
  revision = 0;
  readonly #host: ReactiveControllerHost;
  readonly #options: UploadControllerOptions;
  readonly #pendingProgress = new Map<string, UploadSnapshot>();
  /** Files that had a progress event in this frame: the next one waits for the next frame. */
  readonly #sentThisFrame = new Set<string>();
  /** Events that must follow a file's last progress while that waits for a frame, by upload id. */
  readonly #afterLastProgress = new Map<string, Array<() => void>>();
  /** Register calls of files recovered from an earlier page, by upload id. */
  readonly #recovered = new Map<string, RegistrationRequest>();
  /** Uploads of this uploader with a register call in the journal: no other uploader may recover those. */
  readonly #journaled = new Set<string>();
  readonly #transport: Transport;
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
      change: () => {
        this.revision++;
        host.requestUpdate();
      },
    });
  }

  /** Queues the files that pass the rules; the others fire `file-reject` and are listed as refused. */
  add(files: Iterable<File>, rules: FileRules & { maxFiles?: number; single?: boolean }): void {
    const accepted: File[] = [];
    let room = (rules.maxFiles ?? Infinity) - this.queue.count;
    for (const file of files) {
      let reason = rejectReason(file, rules);
      if (!reason && (room <= 0 || (rules.single && accepted.length > 0))) reason = 'count';
      if (reason) {
        const rejection = { id: `rejected-${++lastRejection}`, file, reason };
        this.rejected = [...this.rejected, rejection];
        this.#options.emit('file-reject', rejection);
        continue;
      }
      accepted.push(file);
      room--;
    }
    if (accepted.length > 0) this.queue.add(accepted);
    this.#host.requestUpdate();
  }

  /** Takes files out of the list; a register call they still owe is dropped with them. */
  remove(id?: string): void {
    for (const upload of this.queue.uploads) if (id === undefined || upload.id === id) this.#forget(upload.id);
    this.queue.remove(id);
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

  dismiss(id: string): void {
    this.rejected = this.rejected.filter((rejection) => rejection.id !== id);
    this.#host.requestUpdate();
  }

  hostConnected(): void {
    for (const id of this.#journaled) adopted.add(id);
  }

  hostDisconnected(): void {
    // A removed uploader's owed calls are free again for the next one, as on the next page.
    for (const id of this.#journaled) adopted.delete(id);
    this.#cancelFrame?.();
    this.#cancelFrame = undefined;
    this.#sentThisFrame.clear();
    this.#flush();
  }

  /** The engine's I/O, built from the configuration as it is when a step starts. */
  #steps(): UploadSteps {
    const backend = this.#options.backend();
    const { registerEndpoint, multipartEndpoint } = backend;
    return {
      check: () => checkConfig(backend),
      sign: (file, signal) => signUpload(backend, file, signal),
      transport: this.#transport,
      register: registerEndpoint
        ? (upload, stored, signal) => this.#register({ ...backend, registerEndpoint }, upload, stored, signal)
        : undefined,
      network: browserNetwork,
      multipart: multipartEndpoint ? multipartSteps({ ...backend, multipartEndpoint }) : undefined,
    };
  }

  /** Registers a stored file; the call is kept in the journal until the backend answers, so a reload or a failure loses nothing. */
  async #register(
    backend: BackendConfig & { registerEndpoint: string },
    { id, file, total }: { id: string; file: File; total: number },
    stored: StoredFile,
    signal: AbortSignal,
  ): Promise<unknown> {
    const request = this.#recovered.get(id) ?? registrationRequest(backend, file, stored);
    const journal = new RegistrationJournal(backend.registerEndpoint);
    const { name, type, lastModified } = file;
    journal.save({ id, request, stored, file: { name, type, size: total, lastModified }, savedAt: Date.now() });
    this.#journaled.add(id);
    adopted.add(id);
    const answer = await sendRegistration(request, backend.headers, signal);
    journal.remove(id);
    this.#journaled.delete(id);
    this.#recovered.delete(id);
    return answer;
  }

  #forget(id: string): void {
    this.#recovered.delete(id);
    this.#journaled.delete(id);
    const { registerEndpoint } = this.#options.backend();
    if (registerEndpoint) new RegistrationJournal(registerEndpoint).remove(id);
  }

  #progress(upload: UploadSnapshot, done: boolean): void {
    const { id } = upload;
    if (done && !this.#sentThisFrame.has(id)) {
      // The last progress goes out at once when it can: the page waits for it.
      this.#pendingProgress.delete(id);
      this.#emitProgress(upload);
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
      this.#emitProgress(upload);
      const waiting = this.#afterLastProgress.get(upload.id);
      this.#afterLastProgress.delete(upload.id);
      for (const emit of waiting ?? []) emit();
    }
  }

  #emitProgress({ id, file, loaded, total }: UploadSnapshot): void {
    const percent = total > 0 ? Math.min(100, (loaded / total) * 100) : 100;
    this.#sentThisFrame.add(id);
    this.#scheduleFrame();
    this.#options.emit('upload-progress', { id, file, loaded, total, percent });
    this.#host.requestUpdate();
  }
}
