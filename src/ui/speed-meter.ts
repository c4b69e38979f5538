/** Speed and time left of one file, as the row shows them. */
export interface Rate {
  bytesPerSecond: number;
  secondsLeft: number;
}

interface Track {
  time: number;
  loaded: number;
  rate?: number;
}

/** Weight of the newest sample: progress comes in bursts, so an unsmoothed rate jumps about. */
const SMOOTHING = 0.3;
/** Samples closer than this say more about the event loop than about the network. */
const MIN_INTERVAL = 100;

/** Measures each upload's rate from its progress timestamps, smoothed with an exponential moving average. */
export class SpeedMeter {
  readonly #tracks = new Map<string, Track>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  sample(id: string, loaded: number, total: number): void {
    const time = this.#now();
    const track = this.#tracks.get(id);
    if (!track || loaded < track.loaded) {
      this.#tracks.set(id, { time, loaded });
      return;
    }
    const elapsed = time - track.time;
    if (elapsed < MIN_INTERVAL && loaded < total) return;
    if (elapsed <= 0) return;
    const rate = ((loaded - track.loaded) / elapsed) * 1000;
    track.rate = track.rate === undefined ? rate : SMOOTHING * rate + (1 - SMOOTHING) * track.rate;
    track.time = time;
    track.loaded = loaded;
  }

  /** Undefined until two samples are apart, and once the rate is nil. */
  rate(id: string, total: number): Rate | undefined {
    const track = this.#tracks.get(id);
    if (!track?.rate || track.rate <= 0) return undefined;
    return { bytesPerSecond: track.rate, secondsLeft: Math.max(0, total - track.loaded) / track.rate };
  }

  forget(id: string): void {
    this.#tracks.delete(id);
  }
}
