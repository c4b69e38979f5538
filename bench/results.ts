// The shape of bench/results.json: what the runner measured, and all that the report is made from.
import type { Contender, LongTasks, MainThread, Phases, ScaleRun } from './page/shapes.ts';
import type { Sizes } from './sizes.ts';

export { CONTENDERS, type Contender, type LongTasks, type MainThread, type Phases, type PhaseTimes, type ScaleRun } from './page/shapes.ts';

/**
 * Bump when the shape changes: a results.json of another version is not merged into. Fields added
 * as optional (a many entry's `protocol`, the phases' wait, exchange and busy figures) need none:
 * the report reads results from before them.
 */
export const RESULTS_VERSION = 2;

/** How the page reaches the backend: HTTP/1.1 (Chromium: 6 connections per host) or HTTP/2 (one connection, many streams). */
export type BackendProtocol = 'http/1.1' | 'h2';

export const SCENARIOS = ['weight', 'big', 'many', 'main-thread', 'scale'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** When a scenario last ran: `--only` re-runs some and keeps the others' sections. */
export interface Section {
  date: string;
  /** Wall-clock seconds the scenario took. */
  seconds: number;
  /** Run with `--quick`: smaller sizes, one round. */
  quick: boolean;
}

/** The many-files scenario at one latency and backend protocol: each contender's times per round (ms). */
export interface ManyAtLatency extends Record<Contender, number[]> {
  latencyMs: number;
  /**
   * What the page's sign and register calls went over, as Resource Timing saw it (`nextHopProtocol`).
   * Absent in results from before it was recorded: those ran over HTTP/1.1.
   */
  protocol?: BackendProtocol;
  count: number;
  /** The element's heap figures per round (bytes, relative to before the round). */
  heap: Array<Record<string, number>>;
  phases: Record<Contender, Phases[]>;
  /** Preflights the delaying proxies (or the HTTP/2 front) saw (0 without latency: no proxies). */
  preflights: { backend: number; storage: number };
}

export interface ScaleRow {
  count: number;
  runs: Record<Contender, ScaleRun[]>;
}

export interface Results {
  version: typeof RESULTS_VERSION;
  machine: {
    cpu: string;
    cores: number;
    ramGiB: number;
    freeGiB: number;
    node: string;
    chromium: string;
    os: string;
    /** 1-minute load averages when the run started and ended: above the core count, other work competed for the CPU. */
    load?: { start: number; end: number };
  };
  weight?: Section & { sizes: Sizes };
  big?: Section & {
    config: { bytes: number; rounds: number };
    curl: number[];
    xhr: number[];
    element: number[];
    heapElement: number[];
    heapXhr: number[];
    longTasks: { xhr: LongTasks[]; element: LongTasks[] };
  };
  many?: Section & {
    config: { size: number; rounds: number; concurrency: number };
    byLatency: ManyAtLatency[];
    /** The page's heap after GC before and after the scenario. */
    heap: { atStart: number; atEnd: number };
  };
  mainThread?: Section & { config: { queued: number; size: number; concurrency: number } } & MainThread;
  scale?: Section & {
    config: { counts: number[]; rounds: number[]; size: number; concurrency: number; deadlineMs: number };
    rows: ScaleRow[];
    /**
     * Batches of `count` files through one element, each uploaded and then removed with `removeFile()`:
     * the page's JavaScript objects after each batch (bench/js-objects.ts), minus after a warm-up
     * batch, in bytes and in objects. Absent in results from before they were measured so.
     */
    removed?: { count: number; bytes: number[]; objects: number[] };
  };
}
