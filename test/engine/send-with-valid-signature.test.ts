import { expect } from '@open-wc/testing';
import { sendWithValidSignature, type Signature } from '../../src/engine/send-with-valid-signature.js';
import { UploadError } from '../../src/engine/upload-error.js';

const MINUTE = 60_000;
/** The signer's clock (a fixed start, moved by the tests); the page's is `skew` off it. */
const START = Date.UTC(2026, 11, 3, 8, 0, 0);

const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
const dropped = () => new UploadError('upload', 'NetworkError', 'network or CORS', { status: 0, retryable: true });
const expiredAnswer = () => new UploadError('upload', 'AccessDenied', 'Request has expired', { status: 403, expired: true });

type Answer = 'ok' | UploadError | ((clock: { advance(ms: number): void }) => 'ok' | UploadError);

/**
 * Drives sendWithValidSignature by hand: a signer that signs for `lifetime` ms (in the URL, in an
 * `expires`, or in a POST policy), a storage that refuses what has expired by the signer's clock
 * (as S3 does), and a page clock `skew` ms off. Each send takes the next of `answers`.
 */
function harness(options: {
  lifetime?: number;
  skew?: number;
  shape?: 'url' | 'expires' | 'policy';
  answers?: Answer[];
  retries?: number;
  /** The first signature was made this long before it arrives (a cache, a slow backend). */
  stale?: number;
  /** Sign calls after the first signature that fail (retryable). */
  failingSigns?: number;
}) {
  const { lifetime = 5 * MINUTE, skew = 0, shape = 'url', retries = 3 } = options;
  let time = START;
  const clock = { advance: (ms: number) => void (time += ms) };
  const answers = [...(options.answers ?? [])];
  const log: string[] = [];
  const late: number[] = [];
  let signs = 0;
  let failing = options.failingSigns ?? 0;
  const expiryOf = new Map<string, number>();
  const sign = async (): Promise<Signature> => {
    if (signs > 0 && failing-- > 0) {
      log.push('sign failed');
      throw new UploadError('sign', 'HTTP503', 'down', { status: 503, retryable: true });
    }
    signs++;
    log.push(`sign ${signs}`);
    const signedAt = signs === 1 ? time - (options.stale ?? 0) : time;
    const expires = signedAt + lifetime;
    const url = (path: string) => `https://s3.test/${path}?n=${signs}`;
    let signature: Signature;
    if (shape === 'url') signature = { url: `${url('b/k')}&X-Amz-Date=${amzDate(signedAt)}&X-Amz-Expires=${lifetime / 1000}` };
    else if (shape === 'expires') signature = { url: url('b/k'), expires };
    else {
      const policy = btoa(JSON.stringify({ expiration: new Date(expires).toISOString(), conditions: [] }));
      signature = { url: url('b'), fields: [['X-Amz-Date', amzDate(signedAt)], ['Policy', policy]] };
    }
    expiryOf.set(signature.url, expires);
    return signature;
  };
  const run = () =>
    sendWithValidSignature({
      sign,
      send: async (signature) => {
        const n = new URL(signature.url).searchParams.get('n');
        // Whole seconds, as storage reads X-Amz-Date.
        if (time >= expiryOf.get(signature.url)! - 999) late.push(Number(n));
        const next = answers.shift() ?? 'ok';
        const answer = typeof next === 'function' ? next(clock) : next;
        log.push(`send ${n}: ${answer === 'ok' ? 'ok' : answer.code}`);
        if (answer === 'ok') return `stored with ${n}`;
        throw answer;
      },
      policy: { retries, baseDelay: 0 },
      network: { online: () => true, whenOnline: async () => {} },
      signal: new AbortController().signal,
      now: () => time + skew,
    });
  return { run, log, late };
}

/** A connection that drops `after` ms into the request. */
const dropAfter = (after: number) => (clock: { advance(ms: number): void }) => {
  clock.advance(after);
  return dropped();
};

describe('sendWithValidSignature', () => {
  it('signs afresh, without counting a retry, when the URL expired while the first attempt was dropped', async () => {
    const { run, log, late } = harness({ lifetime: 2000, retries: 0, answers: [dropAfter(3000)] });
    expect(await run()).to.equal('stored with 2');
    expect(log).to.deep.equal(['sign 1', 'send 1: NetworkError', 'sign 2', 'send 2: ok']);
    expect(late, 'requests sent with an expired signature').to.deep.equal([]);
  });

  it('reuses a valid signature for a retry after a drop', async () => {
    const { run, log } = harness({ answers: [dropAfter(1000), dropAfter(1000)] });
    expect(await run()).to.equal('stored with 1');
    expect(log).to.deep.equal(['sign 1', 'send 1: NetworkError', 'send 1: NetworkError', 'send 1: ok']);
  });

  for (const shape of ['url', 'expires', 'policy'] as const) {
    it(`knows the expiry from ${shape === 'url' ? 'the query URL' : shape === 'policy' ? 'the POST policy' : 'the answer\'s expires'}: a retry never goes out expired`, async () => {
      // A 10 s signature: reused after a drop at 7 s, signed afresh after the next at 9 s.
      const { run, log, late } = harness({ shape, lifetime: 10_000, answers: [dropAfter(7000), dropAfter(2000)] });
      expect(await run()).to.equal('stored with 2');
      expect(late).to.deep.equal([]);
      expect(log).to.deep.equal(['sign 1', 'send 1: NetworkError', 'send 1: NetworkError', 'sign 2', 'send 2: ok']);
    });
  }

  it('signs afresh before the first attempt when the answer arrives expired, or within the margin', async () => {
    for (const stale of [10 * MINUTE, 5 * MINUTE - 3000]) {
      const { run, log, late } = harness({ stale, retries: 0 });
      expect(await run()).to.equal('stored with 2');
      expect(log).to.deep.equal(['sign 1', 'sign 2', 'send 2: ok']);
      expect(late).to.deep.equal([]);
    }
  });

  it('signs afresh once when storage says the signature expired; expired again is an error', async () => {
    const once = harness({ retries: 0, answers: [expiredAnswer()] });
    expect(await once.run()).to.equal('stored with 2');
    const twice = harness({ retries: 3, answers: [expiredAnswer(), expiredAnswer()] });
    const error = await twice.run().catch((caught: unknown) => caught);
    expect(error).to.deep.include({ code: 'AccessDenied', expired: true });
    expect(twice.log).to.deep.equal(['sign 1', 'send 1: AccessDenied', 'sign 2', 'send 2: AccessDenied']);
  });

  it('reads a status-0 failure after the expiry as expired: one fresh sign, then the attempt again', async () => {
    // Storage refused a 2 s URL without CORS headers, 2.1 s after it was signed.
    const { run, log } = harness({ lifetime: 2000, retries: 0, answers: [dropAfter(2100)] });
    const before = harness({ lifetime: 2000, retries: 0, answers: [dropAfter(100)] });
    expect(await run()).to.equal('stored with 2');
    expect(log).to.deep.equal(['sign 1', 'send 1: NetworkError', 'sign 2', 'send 2: ok']);
    // Before the expiry a status 0 is the network's doing: a retry, and with no retries left, the error.
    const error = await before.run().catch((caught: unknown) => caught);
    expect(error).to.deep.include({ code: 'NetworkError' });
    expect(before.log).to.deep.equal(['sign 1', 'send 1: NetworkError']);
  });

  it('counts a fresh sign that fails as a failed attempt: retried with it, never on top of it', async () => {
    const { run, log } = harness({ lifetime: 2000, retries: 1, failingSigns: 10, answers: [dropAfter(3000)] });
    const error = await run().catch((caught: unknown) => caught);
    expect(error).to.deep.include({ stage: 'sign', code: 'HTTP503' });
    expect(log).to.deep.equal(['sign 1', 'send 1: NetworkError', 'sign failed', 'sign failed']);
  });

  for (const skew of [10 * MINUTE, -10 * MINUTE]) {
    it(`does not sign in a loop on a page whose clock is ${skew > 0 ? 'ahead' : 'behind'} by minutes`, async () => {
      const { run, log, late } = harness({ skew, retries: 3, answers: [dropAfter(1000), dropAfter(1000), dropAfter(1000)] });
      expect(await run()).to.equal(skew > 0 ? 'stored with 2' : 'stored with 1');
      const signs = log.filter((line) => line.startsWith('sign')).length;
      // Ahead: the first signature looks expired, the fresh one shows the offset; behind: the first shows it.
      expect(signs).to.equal(skew > 0 ? 2 : 1);
      expect(late).to.deep.equal([]);
    });
  }

  for (const skew of [10 * MINUTE, -10 * MINUTE]) {
    it(`on a clock ${skew > 0 ? 'ahead' : 'behind'} by minutes, still signs afresh when the URL really expired during a drop`, async () => {
      const { run, log, late } = harness({ skew, lifetime: 2000, retries: 1, answers: [dropAfter(3000)] });
      const signs = skew > 0 ? ['sign 1', 'sign 2'] : ['sign 1'];
      const first = signs.length;
      expect(await run()).to.equal(`stored with ${first + 1}`);
      expect(log).to.deep.equal([...signs, `send ${first}: NetworkError`, `sign ${first + 1}`, `send ${first + 1}: ok`]);
      expect(late).to.deep.equal([]);
    });
  }

  it('without a signing time, a skewed clock judges nothing: at most one fresh sign per attempt', async () => {
    const { run, log } = harness({ shape: 'expires', skew: 10 * MINUTE, retries: 3, answers: [dropAfter(1000), dropAfter(1000), dropAfter(1000)] });
    expect(await run()).to.equal('stored with 2');
    expect(log.filter((line) => line.startsWith('sign'))).to.have.length(2);
    const always = harness({ shape: 'expires', skew: 10 * MINUTE, retries: 3, answers: Array.from({ length: 8 }, () => expiredAnswer()) });
    await always.run().catch(() => {});
    // One fresh sign for the attempt, then storage's refusal is final.
    expect(always.log).to.deep.equal(['sign 1', 'sign 2', 'send 2: AccessDenied']);
  });
});
