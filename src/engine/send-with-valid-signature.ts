import { withRetries, type Network, type RetryPolicy } from './retry.js';
import { signatureTimes, type SignedRequest } from './signature-expiry.js';
import { UploadError } from './upload-error.js';

/** A signed request (a POST or PUT plan, a part's target) with the expiry its sign answer gave. */
export interface Signature extends SignedRequest {
  /** Epoch ms, by the signer's clock. */
  expires?: number;
}

export interface SignedSend<S extends Signature, R> {
  /** Asks for a signature; retried here while it fails in a retryable way. */
  sign(): Promise<S>;
  /** One attempt to send with `signature`. */
  send(signature: S): Promise<R>;
  policy: RetryPolicy;
  network: Network;
  signal: AbortSignal;
  /** A signature is being asked for: the first, or a fresh one. */
  onSigning?(): void;
  onSigned?(signature: S): void;
  /** The page's clock; injectable for tests. */
  now?: () => number;
}

/** Re-sign this long before the expiry at most: storage checks it when the request arrives. */
const SAFETY_MARGIN = 5_000;
/** X-Amz-Date has whole seconds, and the signer's clock is not ours. */
const CLOCK_TOLERANCE = 2_000;

/**
 * Signs, sends and retries so that no request goes out with a signature known to have expired.
 * Before each attempt a signature at (or within a safety margin of) its expiry is signed afresh;
 * after an attempt that storage refused as expired, or that failed with status 0 once the expiry
 * passed (a 403 without CORS headers reads as status 0), it is signed afresh and the attempt
 * runs again. At most one fresh sign per attempt, and it does not count as a retry: a page whose
 * clock is off cannot sign in a loop.
 */
export async function sendWithValidSignature<S extends Signature, R>(run: SignedSend<S, R>): Promise<R> {
  const { policy, network, signal } = run;
  const clock = new SignatureClock(run.now ?? Date.now);
  const sign = async (fresh: boolean) => {
    run.onSigning?.();
    const signature = await withRetries(() => run.sign(), policy, signal, network);
    run.onSigned?.(signature);
    return clock.date(signature, fresh);
  };
  let current = await sign(false);
  return withRetries(
    async () => {
      let resigned = false;
      const resign = async () => {
        resigned = true;
        // The sign step retried already: its failure must not make this attempt run again.
        current = await sign(true).catch((error: unknown) => Promise.reject(final(error)));
      };
      if (clock.expiring(current)) await resign();
      for (;;) {
        try {
          return await run.send(current.signature);
        } catch (error) {
          if (resigned || !clock.refusedAsExpired(error, current)) throw error;
          await resign();
        }
      }
    },
    policy,
    signal,
    network,
  );
}

interface Dated<S> {
  signature: S;
  /** Page-clock ms when storage stops taking it; undefined when unknown, or when this clock cannot judge. */
  deadline?: number;
  /** Re-signed this long before the deadline. */
  margin: number;
}

/**
 * Judges signatures by the page's clock, which may be minutes off the signer's. Evidence of
 * that (a signature made in our future, or a fresh one already expired on arrival) is read as
 * a clock offset, from the signing time when the request carries one; without one, this clock
 * judges no more signatures and storage's own answers decide.
 */
class SignatureClock {
  readonly #now: () => number;
  #offset = 0;
  #blind = false;

  constructor(now: () => number) {
    this.#now = now;
  }

  date<S extends Signature>(signature: S, fresh: boolean): Dated<S> {
    const arrived = this.#now();
    const { signedAt, expires: signed } = signatureTimes(signature);
    const expires = earliest(signature.expires, signed);
    if (expires === undefined) return { signature, margin: 0 };
    const future = signedAt !== undefined && signedAt - (arrived - this.#offset) > CLOCK_TOLERANCE;
    // A first signature that arrives expired may just be stale (a cache, a slow backend); a fresh one is not.
    const deadOnArrival = fresh && expires + this.#offset <= arrived;
    if (future || deadOnArrival) {
      if (signedAt === undefined) this.#blind = true;
      else this.#offset = arrived - signedAt;
    }
    if (this.#blind) return { signature, margin: 0 };
    const deadline = expires + this.#offset;
    // A quarter of its lifetime at most, so that a signature made to live 2 s is still used.
    const lifetime = signedAt === undefined ? deadline - arrived : expires - signedAt;
    return { signature, deadline, margin: Math.min(SAFETY_MARGIN, Math.max(0, lifetime) / 4) };
  }

  expiring({ deadline, margin }: Dated<Signature>): boolean {
    return deadline !== undefined && this.#now() + margin >= deadline;
  }

  /** Storage said the signature expired, or a request failed with no answer after it did. */
  refusedAsExpired(error: unknown, dated: Dated<Signature>): boolean {
    if (!(error instanceof UploadError)) return false;
    return error.expired || (error.status === 0 && this.expiring(dated));
  }
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** The same failure, no longer retryable. */
function final(error: unknown): unknown {
  if (!(error instanceof UploadError) || !error.retryable) return error;
  return new UploadError(error.stage, error.code, error.message, { status: error.status, expired: error.expired, cause: error });
}
