/**
 * A JSON list kept in localStorage under one key. Storage that is full, forbidden or holds
 * something else reads as an empty list and takes writes silently: what it keeps is a bonus
 * (surviving a reload), never a condition of an upload.
 */
export class StoredList<T> {
  readonly #key: string;
  readonly #isEntry: (value: unknown) => value is T;
  readonly #storage: Storage | undefined;

  constructor(key: string, isEntry: (value: unknown) => value is T, storage: Storage | undefined = safeLocalStorage()) {
    this.#key = key;
    this.#isEntry = isEntry;
    this.#storage = storage;
  }

  read(): T[] {
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
