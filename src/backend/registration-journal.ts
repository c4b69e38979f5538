import type { StoredFile } from '../engine/upload-queue.js';
import type { RegistrationRequest } from './backend-steps.js';
import { endpointKey, StoredList } from './stored-list.js';

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
  readonly #list: StoredList<PendingRegistration>;

  constructor(registerEndpoint: string, storage?: Storage) {
    this.#list = new StoredList(endpointKey(PREFIX, registerEndpoint), isPending, storage);
  }

  save(pending: PendingRegistration): void {
    this.#list.write([...this.#list.read().filter((entry) => entry.id !== pending.id), pending]);
  }

  remove(id: string): void {
    const entries = this.#list.read();
    const kept = entries.filter((entry) => entry.id !== id);
    if (kept.length !== entries.length) this.#list.write(kept);
  }

  /** The registrations still owed, newest last; stale ones are dropped. */
  pending(now = Date.now()): PendingRegistration[] {
    const entries = this.#list.read();
    const fresh = entries.filter((entry) => now - entry.savedAt < MAX_AGE);
    if (fresh.length !== entries.length) this.#list.write(fresh);
    return fresh;
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
