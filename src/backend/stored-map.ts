/**
 * Entries older than this point at uploads storage and backends have long forgotten: buckets
 * commonly abort incomplete multipart uploads and sweep unregistered objects after days.
 */
const MAX_AGE = 7 * 24 * 3600 * 1000;

/**
 * A JSON list kept in localStorage under one key, each entry dated by `savedAt`; stale entries
 * are dropped as the list is read. Storage that is full, forbidden or holds something else reads
 * as an empty list and takes writes silently: what it keeps is a bonus (surviving a reload),
 * never a condition of an upload.
 */
export class StoredList<T extends { savedAt: number }> {
  readonly #key: string;
  readonly #isEntry: (value: unknown) => value is T;
  readonly #storage: Storage | undefined;
  readonly #now: () => number;

  constructor(
    key: string,
    isEntry: (value: unknown) => value is T,
    { storage = safeLocalStorage(), now = Date.now }: { storage?: Storage | undefined; now?: () => number } = {},
  ) {
    this.#key = key;
    this.#isEntry = isEntry;
    this.#storage = storage;
    this.#now = now;
  }

  /** The fresh entries, oldest first. */
  read(): T[] {
    const entries = this.#parse();
    const fresh = entries.filter((entry) => this.#now() - entry.savedAt < MAX_AGE);
    if (fresh.length !== entries.length) this.write(fresh);
    return fresh;
  }

  /** Drops the entries `match` picks and adds `entry` at the end, if given; writes only on a change. */
  replace(match: (entry: T) => boolean, entry?: T): void {
    const entries = this.read();
    const kept = entries.filter((existing) => !match(existing));
    if (entry) kept.push(entry);
    if (entry || kept.length !== entries.length) this.write(kept);
  }

  #parse(): T[] {
    try {
      const parsed: unknown = JSON.parse(this.#storage?.getItem(this.#key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(this.#isEntry) : [];
    } catch {
      return [];
    }
  }

  write(entries: readonly T[]): void {
    try {
      if (entries.length === 0) this.#storage?.removeItem(this.#key);
      else this.#storage?.setItem(this.#key, JSON.stringify(entries));
    } catch {
      // Full or forbidden: the upload goes on, it just cannot outlive the page.
    }
  }
}

/** The storage key of a list that belongs to one endpoint (absolute, so relative spellings agree). */
export function endpointKey(prefix: string, endpoint: string): string {
  return prefix + new URL(endpoint, globalThis.document?.baseURI).href;
}

function safeLocalStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
