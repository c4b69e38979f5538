import { expect, waitUntil } from '@open-wc/testing';
import type { PostPlan } from '../../src/engine/upload-plan.js';
import { UploadQueue, type QueueConfig, type QueueListener, type UploadSteps } from '../../src/engine/upload-queue.js';
import type { TransportRequest } from '../../src/engine/xhr-transport.js';
import { makeFile } from '../helpers/files.js';

/**
 * A queue whose storage requests hang until the test answers them (or their signal aborts), so a
 * test can pause a file mid-request.
 */
function harness(config: Partial<QueueConfig> = {}, expires?: () => number) {
  const events: string[] = [];
  const requests: Array<{ name: string; request: TransportRequest; answer(): void }> = [];
  let signs = 0;
  const steps: UploadSteps = {
    check: () => {},
    sign: async (file): Promise<PostPlan> => {
      signs++;
      return { url: 'https://s3.test/b', method: 'POST', fields: [['key', file.name]], fileField: 'file', key: file.name, expires: expires?.() };
    },
    transport: (request) =>
      new Promise((resolve, reject) => {
        const name = (request.body as FormData).get('key') as string;
        requests.push({ name, request, answer: () => resolve({ status: 204, body: '', header: () => null }) });
        request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
      }),
  };
  const listener: QueueListener = {
    start: (u) => events.push(`start ${u.file.name}`),
    progress: () => {},
    complete: (u) => events.push(`complete ${u.file.name}`),
    error: (u, stage, error) => events.push(`error ${u.file.name} ${stage} ${error.code}`),
    abort: (u) => events.push(`abort ${u.file.name}`),
    pause: (u) => events.push(`pause ${u.file.name} ${u.status}`),
    resume: (u) => events.push(`resume ${u.file.name} ${u.status}`),
    change: () => {},
  };
  const queue = new UploadQueue(() => ({ concurrency: 1, signAhead: 0, retries: 0, baseDelay: 1, manual: false, stallTimeout: 0, multipartThreshold: 1e9, ...config }), () => steps, listener);
  const status = (name: string) => queue.uploads.find((u) => u.file.name === name)?.status;
  const sent = (name: string) => requests.filter((r) => r.name === name);
  return { queue, events, requests, status, sent, signs: () => signs };
}

describe('UploadQueue: pause and resume', () => {
  it('aborts a running request on pause and frees its slot for the next file', async () => {
    const { queue, events, status, sent } = harness();
    const [a] = queue.add([makeFile('a'), makeFile('b')]);
    await waitUntil(() => sent('a').length === 1);
    queue.pause(a!.id);
    expect(status('a')).to.equal('paused');
    expect(sent('a')[0]!.request.signal.aborted).to.equal(true);
    await waitUntil(() => sent('b').length === 1, 'the queued file took the freed slot');
    expect(events).to.deep.equal(['start a', 'pause a paused', 'start b']);
  });

  it('sends a resumed single request again from the first byte, with the same plan while it is valid', async () => {
    const { queue, events, status, sent, signs } = harness();
    const [a] = queue.add([makeFile('a')]);
    await waitUntil(() => sent('a').length === 1);
    queue.pause(a!.id);
    queue.resume(a!.id);
    await waitUntil(() => sent('a').length === 2, 'sent again');
    sent('a')[1]!.answer();
    await waitUntil(() => status('a') === 'complete');
    expect(signs()).to.equal(1);
    expect(events).to.deep.equal(['start a', 'pause a paused', 'resume a queued', 'start a', 'complete a']);
  });

  it('signs afresh on resume when the plan expired while paused', async () => {
    // The first plan is valid for 50 ms, the next ones for a minute.
    const lifetimes = [50, 60_000];
    const { queue, status, sent, signs } = harness({}, () => Date.now() + (lifetimes.shift() ?? 60_000));
    const [a] = queue.add([makeFile('a')]);
    await waitUntil(() => sent('a').length === 1);
    const firstExpiry = Date.now() + 50;
    queue.pause(a!.id);
    await waitUntil(() => Date.now() > firstExpiry);
    queue.resume(a!.id);
    await waitUntil(() => sent('a').length === 2);
    expect(signs()).to.equal(2);
    sent('a')[1]!.answer();
    await waitUntil(() => status('a') === 'complete');
  });

  it('keeps a paused file that was still queued from starting, until resumed', async () => {
    const { queue, status, sent } = harness();
    const [a, b] = queue.add([makeFile('a'), makeFile('b')]);
    queue.pause(b!.id);
    await waitUntil(() => sent('a').length === 1);
    sent('a')[0]!.answer();
    await waitUntil(() => status('a') === 'complete');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent('b'), 'a paused file does not start').to.deep.equal([]);
    expect(status('b')).to.equal('paused');
    queue.resume(b!.id);
    await waitUntil(() => sent('b').length === 1);
    expect(a).to.not.equal(undefined);
  });

  it('runs a file paused and resumed at once only once, and a cancel then stops that run', async () => {
    const { queue, status, sent } = harness({ concurrency: 2 });
    const [a] = queue.add([makeFile('a')]);
    await waitUntil(() => sent('a').length === 1);
    queue.pause(a!.id);
    queue.resume(a!.id);
    await waitUntil(() => sent('a').length === 2);
    queue.cancel(a!.id);
    expect(status('a')).to.equal('aborted');
    expect(sent('a').map(({ request }) => request.signal.aborted)).to.deep.equal([true, true]);
  });

  it('cancels a paused file', async () => {
    const { queue, events, status, sent } = harness();
    const [a] = queue.add([makeFile('a')]);
    await waitUntil(() => sent('a').length === 1);
    queue.pause(a!.id);
    queue.cancel(a!.id);
    expect(status('a')).to.equal('aborted');
    expect(events).to.deep.equal(['start a', 'pause a paused', 'abort a']);
  });
});
