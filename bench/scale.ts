// The scale scenario, runner side: for each count, rounds of every contender in an order rotated
// each round (so none always runs first or last), each run in the page (bench/page/scale.ts).
import type { Page } from 'playwright-core';
import { CONTENDERS, type Contender, type ScaleRow, type ScaleRun } from './results.ts';
import { call } from './page-call.ts';

export interface ScaleConfig {
  counts: number[];
  /** Rounds per count, in the same order. */
  rounds: number[];
  size: number;
  concurrency: number;
  /** A run still going after this many ms is stopped and reports the files it finished. */
  deadlineMs: number;
}

export async function runScale(page: Page, config: ScaleConfig, log: (message: string) => void): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const [index, count] of config.counts.entries()) {
    const runs = Object.fromEntries(CONTENDERS.map((who) => [who, [] as ScaleRun[]])) as Record<Contender, ScaleRun[]>;
    const rounds = config.rounds[index] ?? 1;
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < CONTENDERS.length; i++) {
        const who = CONTENDERS[(i + round + index) % CONTENDERS.length]!;
        const run = await call<ScaleRun>(page, 'scale', who, count, config.size, config.concurrency, config.deadlineMs);
        runs[who].push(run);
        const stopped = run.done < count ? ` (stopped: ${run.done} done)` : '';
        log(`scale ${count}, round ${round + 1}: ${who} ${run.ms.toFixed(0)} ms${stopped}, longest task ${run.longestTask.toFixed(0)} ms`);
      }
    }
    rows.push({ count, runs });
  }
  return rows;
}
