import { UploadError } from './upload-error.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Base of the exponential backoff, in ms. */
  baseDelay: number;
}

const MAX_DELAY = 30_000;

/** Exponential backoff with full jitter: spreads retries of many clients hit by the same outage. */
export function backoffDelay(attempt: number, baseDelay: number, random = Math.random): number {
  return Math.round(random() * Math.min(MAX_DELAY, baseDelay * 2 ** attempt));
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** What the engine needs to know of the connection; the browser's comes from `navigator.onLine`. */
export interface Network {
  online(): boolean;
  /** Resolves when online (at once if it is), rejects when `signal` aborts. */
  whenOnline(signal: AbortSignal): Promise<void>;
}

export const ALWAYS_ONLINE: Network = { online: () => true, whenOnline: async () => {} };

/**
 * Runs one step, again after a backoff while it fails in a retryable way, up to `retries` times.
 * No attempt starts while offline, and a failure while offline is not counted: it was not the
 * request's fault, and the step runs again once the connection is back.
 */
export async function withRetries<T>(
  step: () => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
  network: Network = ALWAYS_ONLINE,
): Promise<T> {
  for (let attempt = 0; ; ) {
    await network.whenOnline(signal);
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof UploadError) || !error.retryable) throw error;
      if (!network.online()) continue;
      if (attempt >= policy.retries) throw error;
      await sleep(backoffDelay(attempt, policy.baseDelay), signal);
      attempt++;
    }
  }
}
