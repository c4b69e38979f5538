import { httpUrl } from '../engine/upload-error.js';

/**
 * Entries older than this point at uploads storage and backends have long forgotten: buckets
 * commonly abort incomplete multipart uploads and sweep unregistered objects after days.
 */
const MAX_AGE = 7 * 24 * 3600 * 1000;

/**
 * JSON entries kept in localStorage, one key each under a common prefix, each dated by `savedAt`;
 * stale entries are dropped as they are read. One key per entry keeps a write as small as the entry
 * (a file's register call writes twice) and lets two tabs write their own entries without a
 * read-modify-write race on a shared list. Storage that is full, forbidden or holds something else
 * reads as empty and takes writes silently: what it keeps is a bonus (surviving a reload), never a
 * condition of an upload.
 */
export class StoredMap<T extends { savedAt: number }> {
  readonly #prefix: string;
  readonly #isEntry: (value: unknown) => value is T;
  readonly #storage: Storage | undefined;
  readonly #now: () => number;

  constructor(
    prefix: string,
    isEntry: (value: unknown) => value is T,
    { storage = safeLocalStorage(), now = Date.now }: { storage?: Storage | undefined; now?: () => number } = {},
  ) {
    this.#prefix = prefix;
    this.#isEntry = isEntry;
    this.#storage = storage;
    this.#now = now;
  }

  /** The fresh entries, oldest first. */
  values(): T[] {
    const keys: string[] = [];
    try {
      for (let i = 0; i < (this.#storage?.length ?? 0); i++) {
        const key = this.#storage!.key(i);
        if (key?.startsWith(this.#prefix)) keys.push(key);
      }
    } catch {
      return [];
    }
    const fresh: T[] = [];
    for (const key of keys) {
      const entry = this.#read(key);
      if (entry && this.#now() - entry.savedAt < MAX_AGE) fresh.push(entry);
      else this.#remove(key);
    }
    return fresh.sort((a, b) => a.savedAt - b.savedAt);
  }

  get(name: string): T | undefined {
    const entry = this.#read(this.#prefix + name);
    return entry && this.#now() - entry.savedAt < MAX_AGE ? entry : undefined;
  }

  set(name: string, entry: T): void {
    try {
      this.#storage?.setItem(this.#prefix + name, JSON.stringify(entry));
    } catch {
      // Full or forbidden: the upload goes on, it just cannot outlive the page.
    }
  }

  delete(name: string): void {
    this.#remove(this.#prefix + name);
  }

  #read(key: string): T | undefined {
    try {
      const parsed: unknown = JSON.parse(this.#storage?.getItem(key) ?? 'null');
      return this.#isEntry(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  #remove(key: string): void {
    try {
      this.#storage?.removeItem(key);
    } catch {
      // Forbidden: nothing was kept either.
    }
  }
}

/**
 * The key prefix of the entries that belong to one endpoint (absolute, so relative spellings
 * agree). An absolute URL holds no space, so the prefix of one endpoint never starts another's.
 */
export function endpointPrefix(prefix: string, endpoint: string): string {
  return `${prefix}${httpUrl(endpoint, 'register', 'The endpoint')} `;
}

/** The page's localStorage, looked up once (null: not yet); undefined where storage is forbidden. */
let pageStorage: Storage | undefined | null = null;

/** Journals are made file after file, and Chromium's `localStorage` getter costs tens of µs a call. */
function safeLocalStorage(): Storage | undefined {
  if (pageStorage === null) {
    try {
      pageStorage = globalThis.localStorage;
    } catch {
      pageStorage = undefined;
    }
  }
  return pageStorage;
}
