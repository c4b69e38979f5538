import type { StoredFile } from '../engine/upload-queue.js';
import type { RegistrationRequest } from './backend-steps.js';

/** A register call still owed for bytes that storage already holds. */
export interface PendingRegistration {
  id: string;
  request: RegistrationRequest;
  stored: StoredFile;
  file: { name: string; type: string; size: number; lastModified: number };
  savedAt: number;
}

const PREFIX = 'presigned-uploader:pending-registrations:';
// Older ones point at uploads a backend has long forgotten (unregistered objects are usually swept).
const MAX_AGE = 7 * 24 * 3600 * 1000;

/**
 * Keeps owed register calls in localStorage, per register endpoint, so that a page that closes
 * (or a register that keeps failing) does not lose a stored file: the next page with an uploader
 * for the same endpoint finishes the job. Headers are never kept: they may hold credentials.
 */
export class RegistrationJournal {
  readonly #key: string;
  readonly #storage: Storage | undefined;

  constructor(registerEndpoint: string, storage: Storage | undefined = safeLocalStorage()) {
    this.#key = PREFIX + new URL(registerEndpoint, globalThis.document?.baseURI).href;
    this.#storage = storage;
  }

  save(pending: PendingRegistration): void {
    this.#write([...this.#read().filter((entry) => entry.id !== pending.id), pending]);
  }

  remove(id: string): void {
    const entries = this.#read();
    const kept = entries.filter((entry) => entry.id !== id);
    if (kept.length !== entries.length) this.#write(kept);
  }

  /** The registrations still owed, newest last; stale ones are dropped. */
  pending(now = Date.now()): PendingRegistration[] {
    const entries = this.#read();
    const fresh = entries.filter((entry) => now - entry.savedAt < MAX_AGE);
    if (fresh.length !== entries.length) this.#write(fresh);
    return fresh;
  }

  #read(): PendingRegistration[] {
    try {
      const parsed: unknown = JSON.parse(this.#storage?.getItem(this.#key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isPending) : [];
    } catch {
      return [];
    }
  }

  #write(entries: PendingRegistration[]): void {
    try {
      if (entries.length === 0) this.#storage?.removeItem(this.#key);
      else this.#storage?.setItem(this.#key, JSON.stringify(entries));
    } catch {
      // Storage full or forbidden: the upload still completes, it just cannot outlive the page.
    }
  }
}

function safeLocalStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

function isPending(value: unknown): value is PendingRegistration {
  const entry = value as PendingRegistration | null;
  return (
    typeof entry?.id === 'string' &&
    typeof entry.request?.url === 'string' &&
    typeof entry.stored?.key === 'string' &&
    typeof entry.file?.name === 'string' &&
    typeof entry.file.size === 'number' &&
    typeof entry.savedAt === 'number'
  );
}
