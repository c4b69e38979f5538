// Per-file phase times from Resource Timing, the same way for every contender: how long each sign,
// storage POST and register exchange took (start to last byte of the answer), split into the wait
// for a connection (start to requestStart) and the exchange itself (requestStart to the last byte),
// how many files were in flight at once, and how busy the backend's connections were. Requests are
// told apart by URL: /api/sign, /api/register, the rest storage. requestStart is 0 for a server
// that sends no Timing-Allow-Origin (the demo backend and the dev storage send it).
import { median } from '../stats.js';
import type { PhaseTimes, Phases } from './shapes.js';

// Room for the biggest many-files run; the default (250) would drop the rest.
performance.setResourceTimingBufferSize(100_000);

export const resetTimings = () => performance.clearResourceTimings();

type Entry = PerformanceResourceTiming;

/** The largest number of intervals open at once; an end and a start at the same moment do not overlap. */
function mostAtOnce(opens: number[], closes: number[]): number {
  const events = [...opens.map((t) => [t, 1] as const), ...closes.map((t) => [t, -1] as const)].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, change] of events) most = Math.max(most, (open += change));
  return most;
}

/** The timed parts of an entry: NaN where the server hid them (no Timing-Allow-Origin). */
const wait = (entry: Entry) => (entry.requestStart > 0 ? entry.requestStart - entry.startTime : NaN);
const exchange = (entry: Entry) => (entry.requestStart > 0 ? entry.responseEnd - entry.requestStart : NaN);
const total = (entry: Entry) => entry.responseEnd - entry.startTime;

/** The phases of the exchanges since the last `resetTimings()`. */
export function phaseTimes(): Phases {
  const entries = (performance.getEntriesByType('resource') as Entry[]).filter(
    (entry) => entry.initiatorType === 'fetch' || entry.initiatorType === 'xmlhttprequest',
  );
  const byPhase = { sign: [] as Entry[], upload: [] as Entry[], register: [] as Entry[] };
  for (const entry of entries) {
    const path = new URL(entry.name).pathname;
    byPhase[path.endsWith('/api/sign') ? 'sign' : path.endsWith('/api/register') ? 'register' : 'upload'].push(entry);
  }
  // Over the entries that show the part: NaN when none does.
  const of = (list: Entry[], part: (entry: Entry) => number) => median(list.map(part).filter(Number.isFinite));
  const medians = (part: (entry: Entry) => number): PhaseTimes => ({
    sign: of(byPhase.sign, part),
    upload: of(byPhase.upload, part),
    register: of(byPhase.register, part),
  });
  const backend = [...byPhase.sign, ...byPhase.register];
  const span = Math.max(...entries.map((entry) => entry.responseEnd)) - Math.min(...entries.map((entry) => entry.startTime));
  return {
    ...medians(total),
    wait: medians(wait),
    exchange: medians(exchange),
    // The time-weighted mean of a count of intervals is their summed length over the span.
    backendBusy: backend.reduce((sum, entry) => sum + exchange(entry), 0) / span,
    backendProtocols: [...new Set(backend.map((entry) => entry.nextHopProtocol))].sort(),
    // Each file signs once and registers once, so files in flight = signs started − registers answered.
    maxFilesInFlight: mostAtOnce(
      byPhase.sign.map((entry) => entry.startTime),
      byPhase.register.map((entry) => entry.responseEnd),
    ),
    maxUploadsInFlight: mostAtOnce(
      byPhase.upload.map((entry) => entry.startTime),
      byPhase.upload.map((entry) => entry.responseEnd),
    ),
    exchanges: entries.length,
  };
}
