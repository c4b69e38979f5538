/**
 * Runs tasks one after another per key and in parallel across keys: two writers of one object
 * or one multipart upload must not interleave their renames.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(task);
    const settled = current.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, settled);
    // The map only holds keys with work pending, so it does not grow with every key ever used.
    void settled.then(() => {
      if (this.#tails.get(key) === settled) this.#tails.delete(key);
    });
    return current;
  }
}
