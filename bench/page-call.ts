// The runner's one way into the bench page.
import type { Page } from 'playwright-core';

/** Calls `window.bench[name](...args)` in the page (the runner sees no DOM types: globalThis there). */
export function call<T = Record<string, number>>(page: Page, name: string, ...args: Array<number | string>): Promise<T> {
  type Bench = Record<string, (...params: Array<number | string>) => Promise<T>>;
  return page.evaluate(
    ([fn, params]) => (globalThis as unknown as { bench: Bench }).bench[fn as string]!(...(params as Array<number | string>)),
    [name, args] as const,
  );
}
