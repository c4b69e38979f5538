import type { UploadStatus } from './upload-queue.js';

/** What the tally reads of one file. */
export interface Tallied {
  readonly id: string;
  readonly status: UploadStatus;
  readonly loaded: number;
  readonly total: number;
  readonly key?: string;
  readonly fileId?: string | number;
}

const ACTIVE: ReadonlySet<UploadStatus> = new Set(['queued', 'signing', 'uploading', 'registering', 'paused']);
/** What a pause stops: a file until its bytes are stored (a register call is too short to be worth it). */
export const PAUSABLE: ReadonlySet<UploadStatus> = new Set(['queued', 'signing', 'uploading']);

export function isActive(status: UploadStatus): boolean {
  return ACTIVE.has(status);
}

/**
 * Totals of the whole list, kept up to date as single files change, so that a status change or a
 * progress tick costs the same with ten files listed as with ten thousand: counts per status, the
 * bytes of the total progress bar, and the completed files' form values.
 */
export class UploadTally {
  readonly #counts = new Map<UploadStatus, number>();
  /** Form values of completed files (their fileId, else their key), in the order they completed. */
  readonly completed = new Map<string, string>();
  /** Grows with every change of `completed`, so a reader can tell it apart from the last one it saw. */
  completedVersion = 0;
  /** Bytes sent of the files that still count towards the total: not failed, not cancelled. */
  loaded = 0;
  /** Bytes of those files. */
  total = 0;
  #active = 0;

  count(status: UploadStatus): number {
    return this.#counts.get(status) ?? 0;
  }

  /** Files queued or on their way: not complete, failed or cancelled. */
  get active(): number {
    return this.#active;
  }

  /** Counts a file in, as it is now. */
  add(file: Tallied): void {
    this.#apply(file, 1);
  }

  /** Counts a file out, as it was when counted in. */
  remove(file: Tallied): void {
    this.#apply(file, -1);
  }

  #apply(file: Tallied, sign: 1 | -1): void {
    const { id, status } = file;
    this.#counts.set(status, this.count(status) + sign);
    if (isActive(status)) this.#active += sign;
    if (counted(status)) {
      this.total += sign * file.total;
      this.loaded += sign * (status === 'complete' ? file.total : file.loaded);
    }
    if (status !== 'complete') return;
    this.completedVersion++;
    if (sign > 0) this.completed.set(id, String(file.fileId ?? file.key ?? ''));
    else this.completed.delete(id);
  }
}

/** A failed or cancelled file sends nothing more until retried; counting it would stall the total. */
function counted(status: UploadStatus): boolean {
  return status !== 'aborted' && status !== 'error';
}
