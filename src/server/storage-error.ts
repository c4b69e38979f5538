import { SignRefusal } from './sign-refusal.js';

/**
 * A storage call that failed in a way the browser cannot fix (credentials, network, S3 down):
 * answered 502 with `publicMessage`, while the message (`${operation} failed`) and the cause go
 * to the server log only.
 */
export class StorageFailure extends Error {
  readonly publicMessage: string;

  constructor(operation: string, publicMessage: string, cause: unknown) {
    super(`${operation} failed`, { cause });
    this.name = 'StorageFailure';
    this.publicMessage = publicMessage;
  }
}

/** What the browser is told when a multipart storage call fails. */
export const MULTIPART_FAILED = 'The storage could not handle the multipart upload.';

const GONE = 'The multipart upload does not exist: it was completed, aborted or never started.';

/**
 * S3 answers about the browser's own request, passed on as refusals with S3's code.
 * No InvalidPartOrder: `complete` sorts the parts and the schema refuses a part number twice.
 */
const REFUSALS: Readonly<Record<string, readonly [status: number, code: string, message: string]>> = {
  NoSuchUpload: [404, 'NoSuchUpload', GONE],
  // Ceph answers ListParts and CompleteMultipartUpload of an upload that is gone with NoSuchKey.
  NoSuchKey: [404, 'NoSuchUpload', GONE],
  InvalidPart: [400, 'InvalidPart', 'A listed part was not uploaded, or its ETag is not the one S3 gave.'],
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
    throw new StorageFailure(operation, MULTIPART_FAILED, error);
  }
}

/** The HTTP status of an AWS SDK error; HEAD answers have no body, so it is all a HeadObject 404 says. */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}
