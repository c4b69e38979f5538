import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { checkConfig, registerUpload, signUpload, type BackendConfig } from './backend/backend-steps.js';
import { UploadQueue, type QueueConfig, type UploadSnapshot, type UploadSteps } from './engine/upload-queue.js';
import { rejectReason, type FileRules, type RejectReason } from './engine/validate-file.js';
import { createXhrTransport, type Transport } from './engine/xhr-transport.js';
import type { PresignedUploaderEventMap } from './events.js';

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

/**
 * Connects the element to the upload engine: validates picked files, builds the engine's steps
 * from the backend layer, turns queue news into DOM events (progress at most once per animation
 * frame per file) and re-renders the host.
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
  #frame = 0;

  constructor(host: ReactiveControllerHost, options: UploadControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
    const transport = options.transport ?? createXhrTransport();
    const { emit } = options;
    const steps = (): UploadSteps => {
      const backend = options.backend();
      const { registerEndpoint } = backend;
      return {
        check: () => checkConfig(backend),
        sign: (file, signal) => signUpload(backend, file, signal),
        transport,
        register: registerEndpoint
          ? (file, stored, signal) => registerUpload({ ...backend, registerEndpoint }, file, stored, signal)
          : undefined,
      };
    };
    this.queue = new UploadQueue(options.queue, steps, {
      start: ({ id, file }) => emit('upload-start', { id, file }),
      progress: (upload, done) => this.#progress(upload, done),
      complete: ({ id, file }, result) => {
        const { key, location, etag, fileId } = result;
        const detail: Detail<'upload-complete'> = { id, file, key, location, etag, fileId };
        if ('registration' in result) detail.registration = result.registration;
        emit('upload-complete', detail);
      },
      error: ({ id, file }, stage, error) => emit('upload-error', { id, file, stage, error }),
      abort: ({ id, file }) => {
        this.#pendingProgress.delete(id);
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
    let room = (rules.maxFiles ?? Infinity) - this.queue.uploads.length;
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

  dismiss(id: string): void {
    this.rejected = this.rejected.filter((rejection) => rejection.id !== id);
    this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#flush();
  }

  #progress(upload: UploadSnapshot, done: boolean): void {
    if (done) {
      // The last progress goes out at once: a hidden page may never paint another frame.
      this.#pendingProgress.delete(upload.id);
      this.#emitProgress(upload);
      return;
    }
    this.#pendingProgress.set(upload.id, upload);
    this.#frame ||= requestAnimationFrame(() => {
      this.#frame = 0;
      this.#flush();
    });
  }

  #flush(): void {
    const pending = [...this.#pendingProgress.values()];
    this.#pendingProgress.clear();
    for (const upload of pending) this.#emitProgress(upload);
  }

  #emitProgress({ id, file, loaded, total }: UploadSnapshot): void {
    const percent = total > 0 ? Math.min(100, (loaded / total) * 100) : 100;
    this.#options.emit('upload-progress', { id, file, loaded, total, percent });
    this.#host.requestUpdate();
  }
}
