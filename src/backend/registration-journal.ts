import type { StoredFile } from '../engine/upload-queue.js';
import type { RegistrationRequest } from './backend-steps.js';
import { endpointPrefix, StoredMap } from './stored-map.js';

/** A register call still owed for bytes that storage already holds. */
export interface PendingRegistration {
  id: string;
  request: RegistrationRequest;
  stored: StoredFile;
  file: { name: string; type: string; size: number; lastModified: number };
  savedAt: number;
}

const PREFIX = 'presigned-uploader:pending-registration:';

/**
 * Keeps owed register calls in localStorage, per register endpoint, so that a page that closes
 * (or a register that keeps failing) does not lose a stored file: the next page with an uploader
 * for the same endpoint finishes the job. Headers are never kept: they may hold credentials.
 */
export class RegistrationJournal {
  readonly #entries: StoredMap<PendingRegistration>;

  constructor(registerEndpoint: string) {
    this.#entries = new StoredMap(endpointPrefix(PREFIX, registerEndpoint), isPending);
  }

  save(pending: PendingRegistration): void {
    this.#entries.set(pending.id, pending);
  }

  remove(id: string): void {
    this.#entries.delete(id);
  }

  /** The registrations still owed (a week at most), newest last. */
  pending(): PendingRegistration[] {
    return this.#entries.values();
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
