import { expect, waitUntil } from '@open-wc/testing';
import { UploadError } from '../../src/engine/upload-error.js';
import { urlExpiry } from '../../src/engine/signature-expiry.js';
import type { PostPlan, PutPlan } from '../../src/engine/upload-plan.js';
import { UploadQueue, type QueueConfig, type QueueListener, type UploadSteps } from '../../src/engine/upload-queue.js';
import type { TransportRequest, TransportResponse } from '../../src/engine/xhr-transport.js';
import { makeFile } from '../helpers/files.js';

const plan = (extra: Partial<PostPlan> = {}): PostPlan => ({
  url: 'https://s3.test/b',
  method: 'POST',
  fields: [['key', 'u/${filename}']],
  fileField: 'file',
  key: 'u/${filename}',
  ...extra,
});

const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
const answer = (status: number, body = ''): TransportResponse => ({ status, body, header: () => null });
const s3Error = (status: number, code: string, message = '') =>
  answer(status, `<Error><Code>${code}</Code><Message>${message}</Message></Error>`);

/** A deferred each call waits on, so a test decides when every step answers. */
function gate<T>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

function harness(options: { config?: Partial<QueueConfig>; steps?: Partial<UploadSteps>; responses?: TransportResponse[] } = {}) {
  const calls = { sign: 0, transport: 0, register: 0 };
  const events: string[] = [];
  const progress: Array<[number, boolean]> = [];
  const responses = [...(options.responses ?? [])];
  const steps: UploadSteps = {
    check: () => {},
    sign: async () => {
      calls.sign++;
      return plan();
    },
    transport: async (request: TransportRequest) => {
      calls.transport++;
      request.onProgress(50, 100);
      request.onProgress(30, 100);
      return responses.shift() ?? answer(204);
    },
    ...options.steps,
  };
  const config: QueueConfig = { concurrency: 3, retries: 3, baseDelay: 1, manual: false, stallTimeout: 0, multipartThreshold: 100, ...options.config };
  const listener: QueueListener = {
    start: (u) => events.push(`start ${u.file.name}`),
    progress: (u, done) => progress.push([u.loaded, done]),
    complete: (u) => events.push(`complete ${u.file.name}`),
    error: (u, stage, error) => events.push(`error ${u.file.name} ${stage} ${error.code}`),
    abort: (u) => events.push(`abort ${u.file.name}`),
    change: () => {},
  };
  const queue = new UploadQueue(() => config, () => steps, listener);
  const settled = (timeout = 1000) =>
    waitUntil(() => queue.uploads.every((u) => ['complete', 'error', 'aborted'].includes(u.status)), 'uploads did not settle', { timeout });
  return { queue, calls, events, progress, settled };
}

describe('UploadQueue', () => {
  it('signs, posts, registers and completes with the substituted key', async () => {
    let stored: unknown;
    const { queue, events, settled } = harness({
      steps: {
        register: async (_file, s) => {
          stored = s;
          return { ok: true };
        },
      },
    });
    queue.add([makeFile('a.jpg')]);
    await settled();
    expect(events).to.deep.equal(['start a.jpg', 'complete a.jpg']);
    expect(stored).to.deep.include({ key: 'u/a.jpg' });
    expect(queue.uploads[0]).to.deep.include({ status: 'complete', key: 'u/a.jpg', loaded: 1024, total: 1024 });
  });

  it('reports progress that never decreases and ends with the whole file', async () => {
    const { queue, progress, settled } = harness();
    queue.add([makeFile('a.jpg', 1000)]);
    await settled();
    expect(progress).to.deep.equal([[500, false], [1000, true]]);
  });

  it('makes a report of every byte the last progress: storage answering adds none', async () => {
    const { queue, progress, settled } = harness({
      steps: {
        transport: async (request: TransportRequest) => {
          request.onProgress(50, 100);
          request.onProgress(100, 100);
          return answer(204);
        },
      },
    });
    queue.add([makeFile('a.jpg', 1000)]);
    await settled();
    expect(progress).to.deep.equal([[500, false], [1000, true]]);
  });

  it('runs exactly `concurrency` uploads at once', async () => {
    let inFlight = 0;
    let most = 0;
    const gates: Array<ReturnType<typeof gate<void>>> = [];
    const { queue, settled } = harness({
      config: { concurrency: 2 },
      steps: {
        sign: async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          const g = gate<void>();
          gates.push(g);
          await g.promise;
          inFlight--;
          return plan();
        },
      },
    });
    queue.add(['a', 'b', 'c', 'd', 'e'].map((n) => makeFile(n)));
    await waitUntil(() => gates.length === 2);
    await new Promise((r) => setTimeout(r, 20));
    expect(gates.length, 'a third upload started').to.equal(2);
    for (let released = 0; released < 5; released++) {
      gates[released]!.open();
      // Each finished upload lets exactly one more start.
      await waitUntil(() => gates.length === Math.min(5, released + 3));
    }
    await settled();
    expect(most).to.equal(2);
  });

  it('holds files in manual mode until start()', async () => {
    const { queue, calls, settled } = harness({ config: { manual: true } });
    queue.add([makeFile('a'), makeFile('b')]);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.sign).to.equal(0);
    expect(queue.uploads.map((u) => u.status)).to.deep.equal(['queued', 'queued']);
    queue.start();
    await settled();
    expect(calls.sign).to.equal(2);
  });

  it('retries a retryable storage failure (503 SlowDown, network) and then succeeds', async () => {
    const { queue, calls, events, settled } = harness({ responses: [s3Error(503, 'SlowDown'), answer(0), answer(204)] });
    queue.add([makeFile('a')]);
    await settled();
    expect(calls.transport).to.equal(3);
    expect(events).to.deep.equal(['start a', 'complete a']);
  });

  it('gives up after `retries` retries with the last error', async () => {
    const { queue, calls, events, settled } = harness({
      config: { retries: 2 },
      responses: [answer(500), answer(502), s3Error(503, 'SlowDown', 'Reduce your request rate.')],
    });
    queue.add([makeFile('a')]);
    await settled();
    expect(calls.transport).to.equal(3);
    expect(events).to.deep.equal(['start a', 'error a upload SlowDown']);
    expect(queue.uploads[0]!.error).to.deep.equal({ code: 'SlowDown', message: 'Reduce your request rate.', status: 503 });
  });

  it('never retries a definite refusal such as EntityTooLarge', async () => {
    const { queue, calls, events, settled } = harness({ responses: [s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size')] });
    queue.add([makeFile('a')]);
    await settled();
    expect(calls.transport).to.equal(1);
    expect(events).to.deep.equal(['start a', 'error a upload EntityTooLarge']);
  });

  it('retries a 429 from storage, but never a 403 refusal that is not an expiry', async () => {
    const throttled = harness({ config: { retries: 2 }, responses: [answer(429), answer(204)] });
    throttled.queue.add([makeFile('a')]);
    await throttled.settled();
    expect(throttled.calls.transport).to.equal(2);
    expect(throttled.events).to.deep.equal(['start a', 'complete a']);

    const denied = harness({ config: { retries: 2 }, responses: [s3Error(403, 'AccessDenied', 'Invalid according to Policy: Extra input fields: acl')] });
    denied.queue.add([makeFile('b')]);
    await denied.settled();
    expect(denied.calls).to.deep.include({ sign: 1, transport: 1 });
    expect(denied.events).to.deep.equal(['start b', 'error b upload AccessDenied']);
  });

  it('signs afresh only once: a policy that expires again is an error', async () => {
    const expired = () => s3Error(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
    const { queue, calls, events, settled } = harness({ config: { retries: 0 }, responses: [expired(), expired(), answer(204)] });
    queue.add([makeFile('a')]);
    await settled();
    expect(calls).to.deep.include({ sign: 2, transport: 2 });
    expect(events).to.deep.equal(['start a', 'error a upload AccessDenied']);
  });

  it('signs once more for an expired policy, without counting it as a retry', async () => {
    const { queue, calls, events, settled } = harness({
      config: { retries: 0 },
      responses: [s3Error(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.'), answer(204)],
    });
    queue.add([makeFile('a')]);
    await settled();
    expect(calls).to.deep.include({ sign: 2, transport: 2 });
    expect(events).to.deep.equal(['start a', 'complete a']);
  });

  it('signs afresh before posting when the sign answer has already expired', async () => {
    let signs = 0;
    const { queue, calls, settled } = harness({
      steps: { sign: async () => plan({ expires: ++signs === 1 ? Date.now() - 1000 : Date.now() + 60_000 }) },
    });
    queue.add([makeFile('a')]);
    await settled();
    expect(signs).to.equal(2);
    expect(calls.transport).to.equal(1);
  });

  it('signs a PUT afresh, not as a retry, when its URL expired while the first attempt was dropped', async () => {
    let signs = 0;
    const sent: Array<{ url: string; late: boolean }> = [];
    const expiry = new Map<string, number>();
    const { queue, events, settled } = harness({
      config: { retries: 0 },
      steps: {
        // The first URL lives 1-2 s (X-Amz-Date has whole seconds), the next a minute; only the URL says so.
        sign: async (): Promise<PutPlan> => {
          const lifetime = ++signs === 1 ? 2 : 60;
          const url = `https://s3.test/b/k?X-Amz-Date=${amzDate(Date.now())}&X-Amz-Expires=${lifetime}&n=${signs}`;
          expiry.set(url, urlExpiry(url)!);
          return { url, method: 'PUT', headers: [], key: 'k' };
        },
        transport: async (request) => {
          sent.push({ url: request.url, late: Date.now() >= expiry.get(request.url)! });
          if (sent.length > 1) return answer(200);
          // The connection drops after the URL has run out.
          await waitUntil(() => Date.now() >= expiry.get(request.url)!, 'the URL did not expire', { timeout: 3000 });
          return answer(0);
        },
      },
    });
    queue.add([makeFile('a')]);
    await settled(5000);
    expect(events).to.deep.equal(['start a', 'complete a']);
    expect(signs).to.equal(2);
    expect(sent.map(({ url }) => new URL(url).searchParams.get('n'))).to.deep.equal(['1', '2']);
    expect(sent.filter(({ late }) => late), 'requests sent with an expired URL').to.deep.equal([]);
  });

  it('retries only the register call when it fails, and retry() never re-uploads', async () => {
    let registerCalls = 0;
    const { queue, calls, events, settled } = harness({
      config: { retries: 1 },
      steps: {
        register: async () => {
          registerCalls++;
          if (registerCalls <= 2) throw new UploadError('register', 'HTTP503', 'down', { status: 503, retryable: true });
          return { id: 7 };
        },
      },
    });
    queue.add([makeFile('a')]);
    await settled();
    expect(events).to.deep.equal(['start a', 'error a register HTTP503']);
    expect(registerCalls).to.equal(2);
    queue.retry();
    await waitUntil(() => queue.uploads[0]!.status === 'complete');
    expect(registerCalls).to.equal(3);
    expect(calls).to.deep.include({ sign: 1, transport: 1 });
  });

  it('retry() after a failed upload asks for a fresh signature', async () => {
    const { queue, calls, settled } = harness({ config: { retries: 0 }, responses: [s3Error(403, 'AccessDenied', 'denied')] });
    queue.add([makeFile('a')]);
    await settled();
    queue.retry();
    await waitUntil(() => queue.uploads[0]!.status === 'complete');
    expect(calls).to.deep.include({ sign: 2, transport: 2 });
  });

  it('retries a stalled upload', async () => {
    const { queue, calls, events, settled } = harness({ responses: [{ ...answer(0), stalled: true }, answer(204)] });
    queue.add([makeFile('a')]);
    await settled();
    expect(calls.transport).to.equal(2);
    expect(events).to.deep.equal(['start a', 'complete a']);
  });

  it('starts no attempt while offline, does not count failures while offline, and resumes when online', async () => {
    let online = false;
    let back!: () => void;
    const network = {
      online: () => online,
      whenOnline: () => (online ? Promise.resolve() : new Promise<void>((resolve) => (back = resolve))),
    };
    let failOnce = true;
    const { queue, calls, events, settled } = harness({
      config: { retries: 0 },
      steps: {
        network,
        transport: async () => {
          calls.transport++;
          if (failOnce) {
            // The connection drops during the upload.
            failOnce = false;
            online = false;
            return answer(0);
          }
          return answer(204);
        },
      },
    });
    queue.add([makeFile('a')]);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.sign).to.equal(0);
    online = true;
    back();
    await waitUntil(() => calls.transport === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(queue.uploads[0]!.status, 'waits offline instead of failing').to.equal('uploading');
    online = true;
    back();
    await settled();
    expect(events).to.deep.equal(['start a', 'complete a']);
    expect(calls.transport).to.equal(2);
  });

  it('adopt() runs only the register step of a file stored by an earlier page', async () => {
    let registered: unknown;
    const { queue, calls, events, settled } = harness({
      steps: {
        register: async (upload, stored) => {
          registered = { id: upload.id, total: upload.total, key: stored.key };
          return { ok: true };
        },
      },
    });
    queue.adopt('upload-old-1', new File([], 'a.jpg'), 5000, { key: 'u/a.jpg', fileId: 3 });
    await settled();
    expect(calls).to.deep.include({ sign: 0, transport: 0 });
    expect(registered).to.deep.equal({ id: 'upload-old-1', total: 5000, key: 'u/a.jpg' });
    expect(events).to.deep.equal(['complete a.jpg']);
    expect(queue.uploads[0]).to.deep.include({ status: 'complete', loaded: 5000, total: 5000, fileId: 3 });
  });

  for (const stage of ['sign', 'upload', 'register'] as const) {
    it(`cancel during ${stage} aborts, fires upload-abort and never registers`, async () => {
      const waiting = gate<void>();
      const hang = (signal: AbortSignal) =>
        new Promise<never>((_, reject) => {
          waiting.open();
          signal.addEventListener('abort', () => reject(signal.reason));
        });
      let registered = 0;
      const { queue, events } = harness({
        steps: {
          ...(stage === 'sign' ? { sign: (_f: File, signal: AbortSignal) => hang(signal) } : {}),
          ...(stage === 'upload' ? { transport: (r: TransportRequest) => hang(r.signal) } : {}),
          register: async (_f, _s, signal) => {
            if (stage === 'register') await hang(signal);
            registered++;
          },
        },
      });
      queue.add([makeFile('a')]);
      await waiting.promise;
      queue.cancel(queue.uploads[0]!.id);
      await new Promise((r) => setTimeout(r, 10));
      expect(queue.uploads[0]!.status).to.equal('aborted');
      expect(events).to.deep.equal(['start a', 'abort a']);
      expect(registered).to.equal(0);
    });
  }

  it('a sign failure is a sign error and a 4xx is not retried', async () => {
    let signs = 0;
    const { queue, events, settled } = harness({
      steps: {
        sign: async () => {
          signs++;
          throw new UploadError('sign', '267', 'Too many entities', { status: 200 });
        },
      },
    });
    queue.add([makeFile('a')]);
    await settled();
    expect(signs).to.equal(1);
    expect(events).to.deep.equal(['start a', 'error a sign 267']);
  });

  it('a configuration error is reported before anything starts', async () => {
    const { queue, calls, events, settled } = harness({
      steps: {
        check: () => {
          throw new UploadError('register', 'InvalidTemplate', 'bad');
        },
      },
    });
    queue.add([makeFile('a')]);
    await settled();
    expect(events).to.deep.equal(['error a register InvalidTemplate']);
    expect(calls.sign).to.equal(0);
  });

  it('remove() takes files out of the list, cancelling running ones', async () => {
    const { queue, events } = harness({ steps: { sign: (_f, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))) } });
    queue.add([makeFile('a'), makeFile('b')]);
    queue.remove(queue.uploads[0]!.id);
    expect(queue.uploads.map((u) => u.file.name)).to.deep.equal(['b']);
    expect(events).to.include('abort a');
  });
});
