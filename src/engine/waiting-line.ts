/**
 * The files waiting for an upload slot, first listed first: a binary heap on the order in which
 * files were listed, so a retried file takes its old place in the line instead of the back, and
 * taking the next file costs O(log n) however many are listed.
 */
export class WaitingLine<T extends { readonly seq: number }> {
  readonly #heap: T[] = [];

  push(item: T): void {
    const heap = this.#heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.seq <= item.seq) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  /** Takes out the earliest-listed item. */
  shift(): T | undefined {
    const heap = this.#heap;
    const first = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return first;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && heap[child + 1]!.seq < heap[child]!.seq) child++;
      if (heap[child]!.seq >= last.seq) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return first;
  }

  clear(): void {
    this.#heap.length = 0;
  }
}
