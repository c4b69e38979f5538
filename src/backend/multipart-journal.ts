import type { MultipartSession, ResumeStore } from '../engine/multipart-upload.js';
import { endpointKey, StoredList } from './stored-list.js';

interface UnfinishedUpload {
  /** The file as a picker hands it out again after a reload: name, size, date. */
  file: string;
  session: MultipartSession;
  savedAt: number;
}

const PREFIX = 'presigned-uploader:multipart-uploads:';

const identity = ({ name, size, lastModified }: File) => JSON.stringify([name, size, lastModified]);

/**
 * Remembers unfinished multipart uploads in localStorage, per multipart endpoint, so that adding
 * the same file again after a reload or a crash continues the upload instead of starting over.
 */
export class MultipartJournal implements ResumeStore {
  readonly #list: StoredList<UnfinishedUpload>;

  constructor(multipartEndpoint: string) {
    this.#list = new StoredList(endpointKey(PREFIX, multipartEndpoint), isUnfinished);
  }

  load(file: File): MultipartSession | undefined {
    return this.#list.read().find((upload) => upload.file === identity(file))?.session;
  }

  save(file: File, session: MultipartSession): void {
    this.#list.replace((upload) => upload.file === identity(file), { file: identity(file), session, savedAt: Date.now() });
  }

  forget(file: File): void {
    this.#list.replace((upload) => upload.file === identity(file));
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
