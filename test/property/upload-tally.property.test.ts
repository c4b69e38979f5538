import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { UploadQueue, type QueueConfig, type UploadSnapshot, type UploadStatus } from '../../src/engine/upload-queue.js';
import { isActive } from '../../src/engine/upload-tally.js';
import type { TransportResponse } from '../../src/engine/xhr-transport.js';
import { rowsInView } from '../../src/ui/virtual-window.js';
import { makeFile } from '../helpers/files.js';

// Property-based: the totals the queue keeps up to date file by file (counts, bytes, form values)
// always equal a naive walk over the list, whatever happens to which file in which order; and the
// virtual list's window holds exactly the rows that meet the view, plus the margin.

const STATUSES: UploadStatus[] = ['queued', 'signing', 'uploading', 'registering', 'complete', 'error', 'aborted'];
const answer = (status: number, body = ''): TransportResponse => ({ status, body, header: () => null });

type Op =
  | { kind: 'add'; sizes: number[] }
  | { kind: 'cancel' | 'retry' | 'remove'; at: number | undefined }
  | { kind: 'store' | 'fail'; at: number }
  | { kind: 'start' };

const at = fc.option(fc.nat(40), { nil: undefined, freq: 6 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), sizes: fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 5 }) }),
  fc.record({ kind: fc.constantFrom('cancel' as const, 'retry' as const, 'remove' as const), at }),
  fc.record({ kind: fc.constantFrom('store' as const, 'fail' as const), at: fc.nat(40) }),
  fc.constant({ kind: 'start' as const }),
);

/** What the tally must equal: the same numbers, walked out of the list. */
function naive(uploads: UploadSnapshot[]) {
  const counted = uploads.filter((u) => u.status !== 'aborted' && u.status !== 'error');
  return {
    counts: STATUSES.map((status) => uploads.filter((u) => u.status === status).length),
    active: uploads.filter((u) => isActive(u.status)).length,
    total: counted.reduce((sum, u) => sum + u.total, 0),
    loaded: counted.reduce((sum, u) => sum + (u.status === 'complete' ? u.total : u.loaded), 0),
    completed: uploads.filter((u) => u.status === 'complete').map((u) => String(u.fileId ?? u.key ?? '')).sort(),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve));

describe('UploadTally (property)', () => {
  it('equals a naive recomputation after any sequence of add, cancel, retry, remove, complete and error', async function () {
    // Hundreds of runs of up to 30 steps, each settling in a task of its own.
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), fc.boolean(), fc.constantFrom(1, 1, 2, 3), async (ops, manual, concurrency) => {
        /** Requests storage has not answered yet, oldest first. */
        const waiting: Array<(response: TransportResponse) => void> = [];
        const config: QueueConfig = { concurrency, retries: 0, baseDelay: 1, manual, stallTimeout: 0, multipartThreshold: Infinity };
        let signed = 0;
        const queue = new UploadQueue(
          () => config,
          () => ({
            check: () => {},
            sign: async () => ({ url: 'https://s3.test/b', method: 'POST', fields: [['key', `k/${++signed}`]], fileField: 'file', key: `k/${signed}` }),
            transport: (request) =>
              new Promise((resolve, reject) => {
                request.onProgress(Math.floor(request.body instanceof Blob ? request.body.size / 2 : 0), 0);
                request.signal.addEventListener('abort', () => reject(request.signal.reason));
                waiting.push(resolve);
              }),
          }),
          { start() {}, progress() {}, complete() {}, error() {}, abort() {}, change() {} },
        );
        const idAt = (index: number | undefined) => (index === undefined ? undefined : queue.at(index % Math.max(1, queue.count))?.id ?? 'none');
        for (const step of ops) {
          if (step.kind === 'add') queue.add(step.sizes.map((size, i) => makeFile(`f${i}.bin`, size)));
          else if (step.kind === 'start') queue.start();
          else if (step.kind === 'store' || step.kind === 'fail') {
            const respond = waiting.splice(step.at % Math.max(1, waiting.length), 1)[0];
            respond?.(step.kind === 'store' ? answer(204) : answer(400, '<Error><Code>InvalidArgument</Code></Error>'));
          } else queue[step.kind](idAt(step.at));
          await settle();
          const expected = naive(queue.uploads);
          const { tally } = queue;
          expect(STATUSES.map((status) => tally.count(status)), 'counts').to.deep.equal(expected.counts);
          expect(tally.active, 'active').to.equal(expected.active);
          expect(tally.total, 'total').to.equal(expected.total);
          expect(tally.loaded, 'loaded').to.equal(expected.loaded);
          expect([...tally.completed.values()].sort(), 'form values').to.deep.equal(expected.completed);
          // Never more sending than the slots, nor more signed ahead than allowed (as many again by
          // default), and never a free slot while a released file waits.
          const sending = tally.count('uploading');
          const busy = tally.count('signing') + sending;
          expect(sending, 'sending').to.be.at.most(concurrency);
          expect(busy, 'sending, signing and signed ahead').to.be.at.most(2 * concurrency);
          if (!manual) expect(busy >= concurrency || tally.count('queued') === 0, 'a slot stays free while files wait').to.equal(true);
        }
        queue.remove();
      }),
      { numRuns: 300 },
    );
  });

  it('renders exactly the rows that meet the view, plus the margin', () => {
    fc.assert(
      fc.property(
        fc.record({
          // Whole and quarter pixels: exact in floating point, so the naive check rounds alike.
          top: fc.nat(4_000_000).map((q) => q / 4),
          height: fc.integer({ min: 1, max: 20_000 }).map((q) => q / 4),
          stride: fc.integer({ min: 4, max: 800 }).map((q) => q / 4),
          count: fc.nat(20000),
          margin: fc.nat(10),
        }),
        (view) => {
          const { start, end } = rowsInView(view);
          const meets = (row: number) => row * view.stride < view.top + view.height && (row + 1) * view.stride > view.top;
          const inView = Array.from({ length: Math.min(view.count, 20000) }, (_, row) => row).filter(meets);
          if (inView.length === 0) {
            expect(end - start).to.be.at.most(2 * view.margin + 2);
            return;
          }
          const first = Math.max(0, inView[0]! - view.margin);
          const last = Math.min(view.count, inView.at(-1)! + 1 + view.margin);
          expect(start).to.be.at.most(first);
          expect(end).to.be.at.least(last);
          // At most one row of rounding beyond the margin on each side.
          expect(first - start).to.be.at.most(1);
          expect(end - last).to.be.at.most(1);
        },
      ),
      { numRuns: 500 },
    );
  });
});
