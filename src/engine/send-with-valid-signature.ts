import { withRetries, type Network, type RetryPolicy } from './retry.js';
import { signatureTimes, type SignedRequest } from './signature-expiry.js';
import { UploadError } from './upload-error.js';

/** A signed request (a POST or PUT plan, a part's target) with the expiry its sign answer gave. */
export interface Signature extends SignedRequest {
  /** Epoch ms, by the signer's clock. */
  expires?: number;
}

export interface SignedSend<S extends Signature, R> {
  /** Asks for a signature: the first is retried like any step, a fresh one as part of its attempt. */
  sign(): Promise<S>;
  /** A signature asked for ahead of time, and when (page clock) it arrived: used instead of a first sign. */
  signed?: { signature: S; at: number };
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
 *
 * The page's clock may be minutes off the signer's. Evidence of that (a signature made in our
 * future, or a fresh one already expired on arrival) is read as an offset, from the signing time
 * the request carries; without one, the page's clock judges no more and storage's answers decide.
 */
export async function sendWithValidSignature<S extends Signature, R>(run: SignedSend<S, R>): Promise<R> {
  const { policy, network, signal } = run;
  const now = run.now ?? Date.now;
  let offset = 0;
  let blind = false;
  let current: S;
  /** Page-clock ms when storage stops taking `current`; undefined when unknown. */
  let deadline: number | undefined;
  /** Re-signed this long before the deadline. */
  let margin = 0;
  const expiring = () => deadline !== undefined && now() + margin >= deadline;

  // A fresh sign that fails is a failed attempt: retried with it, never on top of it.
  const sign = async (fresh: boolean) => {
    run.onSigning?.();
    accept(await (fresh ? run.sign() : withRetries(() => run.sign(), policy, signal, network)), now(), fresh);
  };
  const accept = (signature: S, arrived: number, fresh: boolean) => {
    current = signature;
    run.onSigned?.(current);
    const { signedAt, expires: signed = Infinity } = signatureTimes(current);
    // Both the answer's expires and the signature's own: the earlier counts.
    const expires = Math.min(current.expires ?? Infinity, signed);
    deadline = undefined;
    if (expires === Infinity) return;
    // A first signature that arrives expired may just be stale (a cache, a slow backend); a fresh one is not.
    if ((signedAt ?? 0) - (arrived - offset) > CLOCK_TOLERANCE || (fresh && expires + offset <= arrived)) {
      if (signedAt === undefined) blind = true;
      else offset = arrived - signedAt;
    }
    if (blind) return;
    deadline = expires + offset;
    // A quarter of its lifetime at most, so that a signature made to live 2 s is still used.
    margin = Math.min(SAFETY_MARGIN, Math.max(0, signedAt === undefined ? deadline - arrived : expires - signedAt) / 4);
  };

  if (run.signed) accept(run.signed.signature, run.signed.at, false);
  else await sign(false);
  return withRetries(
    async () => {
      let resigned = expiring();
      if (resigned) await sign(true);
      for (;;) {
        try {
          return await run.send(current);
        } catch (error) {
          // Storage said the signature expired, or a request failed with no answer after it did.
          const expired = error instanceof UploadError && (error.expired || (error.status === 0 && expiring()));
          if (resigned || !expired) throw error;
          resigned = true;
          await sign(true);
        }
      }
    },
    policy,
    signal,
    network,
  );
}
