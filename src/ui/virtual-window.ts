import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Rows `start` (included) to `end` (excluded). */
export interface RowRange {
  start: number;
  end: number;
}

export interface RowView {
  /** Offset of the visible part from the list's top, in px. */
  top: number;
  /** Height of the visible part, in px. */
  height: number;
  /** Distance from one row's top to the next one's, in px. */
  stride: number;
  count: number;
  /** Rows kept on each side of the visible ones, so scrolling and Tab find them ready. */
  margin: number;
}

/** The rows a list of `count` equal rows shows in a view, plus `margin` rows on each side. */
export function rowsInView({ top, height, stride, count, margin }: RowView): RowRange {
  if (count <= 0 || stride <= 0) return { start: 0, end: 0 };
  const clamp = (row: number) => Math.min(count, Math.max(0, row));
  return { start: clamp(Math.floor(top / stride) - margin), end: clamp(Math.ceil((top + height) / stride) + margin) };
}

/** A guess for the first render, before a row could be measured. */
const GUESSED_STRIDE = 64;
const MARGIN = 4;

/**
 * The window of a long list that exists in the DOM: only rows in view, plus a margin, whatever
 * the count. It watches the list's scroll position, the page's and their sizes, measures one row
 * (all rows have one height), and asks the host to render when the window moves.
 */
export class VirtualWindow implements ReactiveController {
  #list?: HTMLElement;
  #stride = GUESSED_STRIDE;
  #top = 0;
  #height = typeof innerHeight === 'number' ? innerHeight : 800;
  #range: RowRange = { start: 0, end: 0 };
  #count = 0;
  /** The row measured last: measured again only when another row is first, or it resizes. */
  #row?: HTMLElement;
  readonly #host: ReactiveControllerHost;
  readonly #onScroll = (): void => this.#measure();
  // A layout read after every render would force a layout per frame while files upload.
  readonly #resized = globalThis.ResizeObserver && new ResizeObserver(() => this.#row && this.#measureRow(this.#row));

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Distance between row tops, in px: rows are placed at `index * stride`. */
  get stride(): number {
    return this.#stride;
  }

  /** The rows to render for a list of `count`. */
  range(count: number): RowRange {
    this.#count = count;
    return (this.#range = rowsInView({ top: this.#top, height: this.#height, stride: this.#stride, count, margin: MARGIN }));
  }

  /**
   * Called after each render with the list element (or none) and one rendered row, to measure:
   * a row's height plus its bottom margin, the gap between rows.
   */
  observe(list: HTMLElement | null, row: HTMLElement | null): void {
    if (list !== (this.#list ?? null)) {
      this.#list?.removeEventListener('scroll', this.#onScroll);
      this.#list = list ?? undefined;
      if (list) {
        list.addEventListener('scroll', this.#onScroll, { passive: true });
        this.#measure();
      }
    }
    if (row === (this.#row ?? null)) return;
    if (this.#row) this.#resized?.unobserve(this.#row);
    this.#row = row ?? undefined;
    if (!row) return;
    this.#resized?.observe(row);
    this.#measureRow(row);
  }

  #measureRow(row: HTMLElement): void {
    const stride = row.getBoundingClientRect().height + parseFloat(getComputedStyle(row).marginBottom);
    if (stride > 0 && Math.abs(stride - this.#stride) > 0.5) {
      this.#stride = stride;
      this.#host.requestUpdate();
    }
  }

  hostConnected(): void {
    // Any scrolling ancestor, or the page, can move the list in or out of view.
    addEventListener('scroll', this.#onScroll, { passive: true, capture: true });
    addEventListener('resize', this.#onScroll, { passive: true });
  }

  hostDisconnected(): void {
    removeEventListener('scroll', this.#onScroll, { capture: true });
    removeEventListener('resize', this.#onScroll);
    this.#list?.removeEventListener('scroll', this.#onScroll);
    this.#list = this.#row = undefined;
    this.#resized?.disconnect();
  }

  /** Reads where the list is in view; renders when that changes the window. */
  #measure(): void {
    const list = this.#list;
    if (!list) return;
    const rect = list.getBoundingClientRect();
    const viewTop = Math.max(rect.top, 0);
    const viewBottom = Math.min(rect.bottom, innerHeight);
    // Out of view: keep the rows at the list's own scroll position ready, at most a screenful.
    const visible = viewBottom > viewTop;
    this.#top = list.scrollTop + (visible ? viewTop - rect.top : 0);
    this.#height = visible ? viewBottom - viewTop : Math.min(list.clientHeight, innerHeight);
    const { start, end } = this.#range;
    const next = rowsInView({ top: this.#top, height: this.#height, stride: this.#stride, count: this.#count, margin: MARGIN });
    if (next.start !== start || next.end !== end) this.#host.requestUpdate();
  }
}
