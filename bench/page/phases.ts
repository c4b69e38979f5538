// Per-file phase times from Resource Timing, the same way for every contender: how long each sign,
// storage POST and register exchange took (start to last byte of the answer), and how many files
// were in flight at once. Requests are told apart by URL: /api/sign, /api/register, the rest storage.
import { median } from '../stats.js';
import type { Phases } from './shapes.js';

// Room for the biggest many-files run; the default (250) would drop the rest.
performance.setResourceTimingBufferSize(100_000);

export const resetTimings = () => performance.clearResourceTimings();

/** The largest number of intervals open at once; an end and a start at the same moment do not overlap. */
function mostAtOnce(opens: number[], closes: number[]): number {
  const events = [...opens.map((t) => [t, 1] as const), ...closes.map((t) => [t, -1] as const)].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, change] of events) most = Math.max(most, (open += change));
  return most;
}

/** The phases of the exchanges since the last `resetTimings()`. */
export function phaseTimes(): Phases {
  const entries = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
    (entry) => entry.initiatorType === 'fetch' || entry.initiatorType === 'xmlhttprequest',
  );
  const byPhase = { sign: [] as PerformanceResourceTiming[], upload: [] as PerformanceResourceTiming[], register: [] as PerformanceResourceTiming[] };
  for (const entry of entries) {
    const path = new URL(entry.name).pathname;
    byPhase[path.endsWith('/api/sign') ? 'sign' : path.endsWith('/api/register') ? 'register' : 'upload'].push(entry);
  }
  const durations = (list: PerformanceResourceTiming[]) => median(list.map((entry) => entry.responseEnd - entry.startTime));
  return {
    sign: durations(byPhase.sign),
    upload: durations(byPhase.upload),
    register: durations(byPhase.register),
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
