import { SignRefusal } from './sign-refusal.js';

/** A storage call that failed in a way the browser cannot fix (credentials, network, S3 down): answered 502. */
export class StorageFailure extends Error {
  operation: string;

  constructor(operation: string, cause: unknown) {
    super(`${operation} failed`, { cause });
    this.name = 'StorageFailure';
    this.operation = operation;
  }
}

const GONE = 'The multipart upload does not exist: it was completed, aborted or never started.';

/** S3 answers about the browser's own request, passed on as refusals with S3's code. */
const REFUSALS: Readonly<Record<string, readonly [status: number, code: string, message: string]>> = {
  NoSuchUpload: [404, 'NoSuchUpload', GONE],
  // Ceph answers ListParts and CompleteMultipartUpload of an upload that is gone with NoSuchKey.
  NoSuchKey: [404, 'NoSuchUpload', GONE],
  InvalidPart: [400, 'InvalidPart', 'A listed part was not uploaded, or its ETag is not the one S3 gave.'],
  InvalidPartOrder: [400, 'InvalidPartOrder', 'The parts must be listed in ascending order of part number.'],
  EntityTooSmall: [400, 'EntityTooSmall', 'Every part but the last must be at least 5 MiB.'],
};

/**
 * Runs one multipart storage call: S3 errors the browser caused become SignRefusals with S3's
 * code, anything else a StorageFailure whose cause goes to the server log, not to the browser.
 */
export async function fromStorage<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && Object.hasOwn(REFUSALS, name)) {
      const [status, code, message] = REFUSALS[name]!;
      throw new SignRefusal(status, code, message);
    }
    throw new StorageFailure(operation, error);
  }
}
