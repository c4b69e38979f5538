import type { MultipartSession, ResumeStore } from '../engine/multipart-upload.js';
import { endpointPrefix, StoredMap } from './stored-map.js';

interface UnfinishedUpload {
  /** The file as a picker hands it out again after a reload: name, size, date. */
  file: string;
  session: MultipartSession;
  savedAt: number;
}

const PREFIX = 'presigned-uploader:multipart-upload:';

const identity = ({ name, size, lastModified }: File) => JSON.stringify([name, size, lastModified]);

/**
 * Remembers unfinished multipart uploads in localStorage, per multipart endpoint, so that adding
 * the same file again after a reload or a crash continues the upload instead of starting over.
 */
export class MultipartJournal implements ResumeStore {
  readonly #entries: StoredMap<UnfinishedUpload>;

  constructor(multipartEndpoint: string) {
    this.#entries = new StoredMap(endpointPrefix(PREFIX, multipartEndpoint), isUnfinished);
  }

  load(file: File): MultipartSession | undefined {
    return this.#entries.get(identity(file))?.session;
  }

  save(file: File, session: MultipartSession): void {
    this.#entries.set(identity(file), { file: identity(file), session, savedAt: Date.now() });
  }

  forget(file: File): void {
    this.#entries.delete(identity(file));
  }
}

function isUnfinished(value: unknown): value is UnfinishedUpload {
  const entry = value as UnfinishedUpload | null;
  return (
    typeof entry?.file === 'string' &&
    typeof entry.session?.uploadId === 'string' &&
    typeof entry.session.key === 'string' &&
    typeof entry.session.partSize === 'number' &&
    entry.session.partSize > 0 &&
    typeof entry.savedAt === 'number'
  );
}
