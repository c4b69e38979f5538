// What the bench page answers the runner: shared by the page (browser) and the runner (Node), so
// no imports here.

export interface LongTasks {
  /** Long tasks (the API reports those over 50 ms). */
  longTasks: number;
  longestTask: number;
}

/** A figure for each of a file's three exchanges. */
export interface PhaseTimes {
  sign: number;
  upload: number;
  register: number;
}

/** One run's phases, from Resource Timing in the page; `sign`, `upload`, `register`: medians of the whole durations (startTime to responseEnd), ms. */
export interface Phases extends PhaseTimes {
  /**
   * Medians of the wait for a connection (startTime to requestStart; a CORS preflight falls in it too), ms.
   * NaN (null in JSON) where the server sent no Timing-Allow-Origin; absent in results from before it was measured.
   */
  wait?: PhaseTimes;
  /** Medians of the exchange itself (requestStart to responseEnd), ms; the same caveats. */
  exchange?: PhaseTimes;
  /**
   * Sign and register exchanges in progress (requestStart to responseEnd), time-weighted mean over the run
   * (first startTime to last responseEnd): over HTTP/1.1, the backend connections busy, of Chromium's 6 per host.
   */
  backendBusy?: number;
  /** The protocols the sign and register answers came over (`nextHopProtocol`, e.g. `http/1.1`, `h2`). */
  backendProtocols?: string[];
  /** Most files between their sign going out and their register answer. */
  maxFilesInFlight: number;
  /** Most storage POSTs open at once. */
  maxUploadsInFlight: number;
  /** Exchanges seen: each file's sign, POST and register once when nothing was retried. */
  exchanges: number;
}

export const CONTENDERS = ['xhr', 'uppy', 'element', 'headless'] as const;
export type Contender = (typeof CONTENDERS)[number];

/** One scale run of one contender. */
export interface ScaleRun extends LongTasks {
  ms: number;
  /** Files finished: fewer than the count when the deadline stopped the run. */
  done: number;
  /** Element only (NaN, stored as null, for the others): most renders in one animation frame. */
  maxRendersPerFrame: number | null;
  /** Element only: most nodes in its shadow root at once. */
  peakNodes: number | null;
  /** Heap after GC with the contender still listing the files, minus before (File objects included there), per file, bytes. */
  heapPerFile: number;
}


/** The main-thread scenario: one element, many files queued at once. */
export interface MainThread extends LongTasks {
  ms: number;
  frames: number;
  renders: number;
  maxRendersPerFrame: number;
  maxProgressPerFilePerFrame: number;
  progressEvents: number;
}
