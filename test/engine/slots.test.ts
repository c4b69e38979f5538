import { expect, waitUntil } from '@open-wc/testing';
import fc from 'fast-check';
import type { PostPlan } from '../../src/engine/upload-plan.js';
import { UploadQueue, type QueueConfig, type UploadSteps } from '../../src/engine/upload-queue.js';
import type { TransportRequest, TransportResponse } from '../../src/engine/xhr-transport.js';
import { makeFile } from '../helpers/files.js';

// Upload slots hold the bytes going out and nothing else: register calls run outside them, and
// the next files are signed ahead while no slot signs for itself. Every step here is answered by hand.

const answer = (status: number): TransportResponse => ({ status, body: '', header: () => null });

/** A step whose calls wait until the test answers them, oldest first. */
function held<A extends unknown[], T>() {
  const calls: Array<{ args: A; answer(value: T): void; fail(error: unknown): void }> = [];
  const fn = (...args: A) =>
    new Promise<T>((resolve, reject) => {
      calls.push({ args, answer: resolve, fail: reject });
    });
  return { fn, calls };
}

let signed = 0;
const plan = (extra: Partial<PostPlan> = {}): PostPlan => {
  const key = `k/${++signed}`;
  return { url: 'https://s3.test/b', method: 'POST', fields: [['key', key]], fileField: 'file', key, ...extra };
};

function harness(config: Partial<QueueConfig> = {}, steps: Partial<UploadSteps> = {}) {
  const sign = held<[File, AbortSignal], PostPlan>();
  const transport = held<[TransportRequest], TransportResponse>();
  const register = held<unknown[], unknown>();
  const events: string[] = [];
  const queue = new UploadQueue(
    () => ({ concurrency: 1, retries: 0, baseDelay: 1, manual: false, stallTimeout: 0, multipartThreshold: Infinity, ...config }),
    () => ({ check() {}, sign: sign.fn, transport: transport.fn, register: register.fn, ...steps }),
    {
      start: (u) => events.push(`start ${u.file.name}`),
      progress() {},
      complete: (u) => events.push(`complete ${u.file.name}`),
      error: (u, stage) => events.push(`error ${u.file.name} ${stage}`),
      abort: (u) => events.push(`abort ${u.file.name}`),
      change() {},
    },
  );
  const files = (...names: string[]) => queue.add(names.map((name) => makeFile(name, 10)));
  const statuses = () => queue.uploads.map((u) => u.status);
  const sentNames = () => transport.calls.map((call) => String((call.args[0].body as FormData).get('key')));
  return { queue, sign, transport, register, events, files, statuses, sentNames };
}

const tick = () => new Promise((resolve) => setTimeout(resolve));

describe('UploadQueue slots', () => {
  it('frees the upload slot the moment the bytes are stored: register runs outside it', async () => {
    const { sign, transport, register, files, statuses, events } = harness({ signAhead: 0 });
    files('a', 'b');
    await waitUntil(() => sign.calls.length === 1);
    sign.calls[0]!.answer(plan());
    await waitUntil(() => transport.calls.length === 1);
    transport.calls[0]!.answer(answer(204));
    // a's register call is out and unanswered, and b already has the slot.
    await waitUntil(() => register.calls.length === 1 && sign.calls.length === 2, 'b did not get the slot');
    expect(statuses()).to.deep.equal(['registering', 'signing']);
    expect(events).to.deep.equal(['start a', 'start b']);
    register.calls[0]!.answer({ ok: true });
    await waitUntil(() => events.includes('complete a'));
  });

  it('runs register calls under their own limit', async () => {
    const { sign, transport, register, files } = harness({ concurrency: 3, registerConcurrency: 1, signAhead: 0 });
    files('a', 'b', 'c');
    await waitUntil(() => sign.calls.length === 3);
    for (const call of sign.calls) call.answer(plan());
    await waitUntil(() => transport.calls.length === 3);
    for (const call of transport.calls) call.answer(answer(204));
    await tick();
    await tick();
    expect(register.calls).to.have.length(1);
    register.calls[0]!.answer({});
    await waitUntil(() => register.calls.length === 2);
  });

  it('signs at most sign-ahead files ahead, and only while no slot signs for itself', async () => {
    const { sign, transport, files, statuses, events } = harness({ concurrency: 1, signAhead: 2 });
    files('a', 'b', 'c', 'd', 'e');
    await waitUntil(() => sign.calls.length === 1);
    await tick();
    // The slot waits for its own sign answer: nothing is signed ahead of it yet.
    expect(sign.calls).to.have.length(1);
    sign.calls[0]!.answer(plan());
    await waitUntil(() => transport.calls.length === 1 && sign.calls.length === 3);
    await tick();
    expect(sign.calls).to.have.length(3);
    expect(statuses()).to.deep.equal(['uploading', 'signing', 'signing', 'queued', 'queued']);
    // A signed-ahead file fired upload-start when its sign request went out.
    expect(events).to.deep.equal(['start a', 'start b', 'start c']);
    sign.calls[1]!.answer(plan());
    sign.calls[2]!.answer(plan());
    await tick();
    expect(sign.calls, 'two plans held ahead: no more signs').to.have.length(3);
    expect(statuses()[1], 'signed ahead stays signing until its bytes go out').to.equal('signing');
  });

  it('signs nothing ahead with sign-ahead 0', async () => {
    const { sign, transport, files } = harness({ concurrency: 1, signAhead: 0 });
    files('a', 'b', 'c');
    await waitUntil(() => sign.calls.length === 1);
    sign.calls[0]!.answer(plan());
    await waitUntil(() => transport.calls.length === 1);
    await tick();
    await tick();
    expect(sign.calls).to.have.length(1);
  });

  it('sends a signed-ahead file with its plan the moment a slot frees, without signing again', async () => {
    const { sign, transport, files, sentNames } = harness({ concurrency: 1, signAhead: 1 });
    files('a', 'b');
    await waitUntil(() => sign.calls.length === 1);
    sign.calls[0]!.answer(plan({ key: 'a-key', fields: [['key', 'a-key']] }));
    await waitUntil(() => sign.calls.length === 2);
    sign.calls[1]!.answer(plan({ key: 'b-key', fields: [['key', 'b-key']] }));
    await tick();
    transport.calls[0]!.answer(answer(204));
    await waitUntil(() => transport.calls.length === 2);
    expect(sign.calls).to.have.length(2);
    expect(sentNames()).to.deep.equal(['a-key', 'b-key']);
  });

  it('leaves a freed slot to a plan already on its way instead of signing another file for it', async () => {
    const { sign, transport, files, sentNames } = harness({ concurrency: 1, signAhead: 1 });
    files('a', 'b', 'c');
    await waitUntil(() => sign.calls.length === 1);
    sign.calls[0]!.answer(plan({ key: 'a-key', fields: [['key', 'a-key']] }));
    await waitUntil(() => sign.calls.length === 2, 'b was not signed ahead');
    transport.calls[0]!.answer(answer(204));
    await tick();
    await tick();
    expect(sign.calls, "c is not signed while b's plan is on its way").to.have.length(2);
    sign.calls[1]!.answer(plan({ key: 'b-key', fields: [['key', 'b-key']] }));
    await waitUntil(() => transport.calls.length === 2);
    expect(sentNames()).to.deep.equal(['a-key', 'b-key']);
  });

  it('signs a prefetched plan again when it is about to expire, instead of using it', async () => {
    const { sign, transport, files, sentNames } = harness({ concurrency: 1, signAhead: 1 });
    files('a', 'b');
    await waitUntil(() => sign.calls.length === 1);
    sign.calls[0]!.answer(plan({ key: 'a-key', fields: [['key', 'a-key']] }));
    await waitUntil(() => sign.calls.length === 2);
    sign.calls[1]!.answer(plan({ key: 'stale', fields: [['key', 'stale']], expires: Date.now() + 300 }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    transport.calls[0]!.answer(answer(204));
    await waitUntil(() => sign.calls.length === 3, 'the expired plan was not signed again');
    sign.calls[2]!.answer(plan({ key: 'fresh', fields: [['key', 'fresh']] }));
    await waitUntil(() => transport.calls.length === 2);
    expect(sentNames()).to.deep.equal(['a-key', 'fresh']);
  });

  it('drops the prefetched plan of a cancelled or removed file: nothing of it is uploaded', async () => {
    const { queue, sign, transport, files, sentNames, events } = harness({ concurrency: 1, signAhead: 2 });
    const [, b, c] = files('a', 'b', 'c');
    await waitUntil(() => sign.calls.length === 1);
    sign.calls[0]!.answer(plan({ key: 'a-key', fields: [['key', 'a-key']] }));
    await waitUntil(() => sign.calls.length === 3);
    sign.calls[1]!.answer(plan({ key: 'b-key', fields: [['key', 'b-key']] }));
    sign.calls[2]!.answer(plan({ key: 'c-key', fields: [['key', 'c-key']] }));
    await tick();
    queue.cancel(b!.id);
    queue.remove(c!.id);
    transport.calls[0]!.answer(answer(204));
    await tick();
    await tick();
    expect(sentNames()).to.deep.equal(['a-key']);
    expect(events).to.include('abort b');
  });

  it('never creates a multipart upload ahead of time', async () => {
    const create = held<unknown[], never>();
    const { sign, transport, files } = harness(
      { concurrency: 1, signAhead: 2, multipartThreshold: 5 },
      {
        multipart: {
          create: create.fn,
          signPart: create.fn,
          listParts: create.fn,
          complete: create.fn,
          abort: create.fn,
          resume: { load: () => undefined, save() {}, forget() {} },
        } as unknown as UploadSteps['multipart'],
      },
    );
    // a (10 bytes) is multipart; so are b and c. Only a's slot may create.
    files('a', 'b', 'c');
    await tick();
    await tick();
    expect(create.calls).to.have.length(1);
    expect(sign.calls).to.have.length(0);
    expect(transport.calls).to.have.length(0);
  });

  it('uploads and registers each file at most once, with its events in order, under any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.record({ files: fc.integer({ min: 1, max: 8 }), concurrency: fc.integer({ min: 1, max: 3 }), signAhead: fc.integer({ min: 0, max: 3 }), registers: fc.integer({ min: 1, max: 3 }) }),
        async (s, { files, concurrency, signAhead, registers }) => {
          const sent = new Map<string, number>();
          const registered = new Map<string, number>();
          const events = new Map<string, string[]>();
          const log = (name: string, what: string) => events.set(name, [...(events.get(name) ?? []), what]);
          const queue = new UploadQueue(
            () => ({ concurrency, signAhead, registerConcurrency: registers, retries: 0, baseDelay: 1, manual: false, stallTimeout: 0, multipartThreshold: Infinity }),
            () => ({
              check() {},
              sign: s.scheduleFunction(async (file: File) => plan({ key: file.name, fields: [['key', file.name]] })),
              transport: s.scheduleFunction(async (request: TransportRequest) => {
                const name = String((request.body as FormData).get('key'));
                sent.set(name, (sent.get(name) ?? 0) + 1);
                request.onProgress(10, 10);
                return answer(204);
              }),
              register: s.scheduleFunction(async (upload: { file: File }) => {
                registered.set(upload.file.name, (registered.get(upload.file.name) ?? 0) + 1);
                return {};
              }),
            }),
            {
              start: (u) => log(u.file.name, 'start'),
              progress: (u, done) => done && log(u.file.name, 'stored'),
              complete: (u) => log(u.file.name, 'complete'),
              error: (u) => log(u.file.name, 'error'),
              abort: (u) => log(u.file.name, 'abort'),
              change() {},
            },
          );
          queue.add(Array.from({ length: files }, (_, i) => makeFile(`f${i}`, 10)));
          // Some steps start a task later (after a timer), so wait until the queue is done.
          for (let round = 0; round < 50 && queue.tally.active > 0; round++) {
            await s.waitAll();
            await tick();
          }
          for (let i = 0; i < files; i++) {
            const name = `f${i}`;
            expect(sent.get(name), `${name} uploads`).to.equal(1);
            expect(registered.get(name), `${name} registers`).to.equal(1);
            expect(events.get(name), `${name} events`).to.deep.equal(['start', 'stored', 'complete']);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
