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

/** Runs one step, again after a backoff while it fails in a retryable way, up to `retries` times. */
export async function withRetries<T>(step: () => Promise<T>, policy: RetryPolicy, signal: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof UploadError) || !error.retryable || attempt >= policy.retries) throw error;
      await sleep(backoffDelay(attempt, policy.baseDelay), signal);
    }
  }
}
