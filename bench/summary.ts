// The figures the report and its charts show, computed from the raw runs in results.json: rates
// from medians, each ratio taken within one run (one scenario at one size, one latency).
import { CONTENDERS, type Contender, type ManyAtLatency, type Phases, type PhaseTimes, type ScaleRow, type ScaleRun } from './results.ts';
import { median } from './stats.ts';

export type ByContender<T> = Record<Contender, T>;

const byContender = <T>(make: (who: Contender) => T) => Object.fromEntries(CONTENDERS.map((who) => [who, make(who)])) as ByContender<T>;

/** Files per second of each contender (median time over rounds), and each rate ÷ the bare loop's. */
export function manyRates(many: ManyAtLatency): { rate: ByContender<number>; vsXhr: ByContender<number> } {
  const rate = byContender((who) => many.count / (median(many[who]) / 1000));
  return { rate, vsXhr: byContender((who) => rate[who] / rate.xhr) };
}

/** The medians over rounds of each phase figure; NaN for one the runs did not record (older results). */
export function phaseMedians(runs: Phases[]): Required<Phases> {
  const of = (pick: (phases: Phases) => number | null | undefined) => median(runs.map((p) => pick(p) ?? NaN).filter(Number.isFinite));
  const times = (pick: (phases: Phases) => PhaseTimes | undefined): PhaseTimes => ({
    sign: of((p) => pick(p)?.sign),
    upload: of((p) => pick(p)?.upload),
    register: of((p) => pick(p)?.register),
  });
  return {
    sign: of((p) => p.sign),
    upload: of((p) => p.upload),
    register: of((p) => p.register),
    wait: times((p) => p.wait),
    exchange: times((p) => p.exchange),
    backendBusy: of((p) => p.backendBusy),
    backendProtocols: [...new Set(runs.flatMap((p) => p.backendProtocols ?? []))].sort(),
    maxFilesInFlight: of((p) => p.maxFilesInFlight),
    maxUploadsInFlight: of((p) => p.maxUploadsInFlight),
    exchanges: of((p) => p.exchanges),
  };
}

export interface ScaleSummary {
  count: number;
  /** Median files/s over rounds (a stopped run counts the files it finished). */
  rate: ByContender<number>;
  vsXhr: ByContender<number>;
  /** Whether any round of the contender was stopped by the deadline (its rate is then an upper bound). */
  stopped: ByContender<boolean>;
  /** Worst over rounds. */
  longTasks: ByContender<number>;
  longestTask: ByContender<number>;
  maxRendersPerFrame: ByContender<number | null>;
  peakNodes: ByContender<number | null>;
  /** Median over rounds, bytes. */
  heapPerFile: ByContender<number>;
}

const worst = (runs: ScaleRun[], pick: (run: ScaleRun) => number | null) => {
  const values = runs.map(pick).filter((value): value is number => value !== null);
  return values.length === 0 ? null : Math.max(...values);
};

export function scaleSummary(row: ScaleRow): ScaleSummary {
  const rate = byContender((who) => median(row.runs[who].map((run) => run.done / (run.ms / 1000))));
  return {
    count: row.count,
    rate,
    vsXhr: byContender((who) => rate[who] / rate.xhr),
    stopped: byContender((who) => row.runs[who].some((run) => run.done < row.count)),
    longTasks: byContender((who) => worst(row.runs[who], (run) => run.longTasks) ?? 0),
    longestTask: byContender((who) => worst(row.runs[who], (run) => run.longestTask) ?? 0),
    maxRendersPerFrame: byContender((who) => worst(row.runs[who], (run) => run.maxRendersPerFrame)),
    peakNodes: byContender((who) => worst(row.runs[who], (run) => run.peakNodes)),
    heapPerFile: byContender((who) => median(row.runs[who].map((run) => run.heapPerFile))),
  };
}
