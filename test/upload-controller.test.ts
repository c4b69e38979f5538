// The controller's pacing of upload-progress, driven by a hand-held transport so that the last
// progress of a file lands in the same frame as an earlier one, which real uploads do only by chance.
import { expect } from '@open-wc/testing';
import type { ReactiveControllerHost } from 'lit';
import type { Transport, TransportResponse } from '../src/engine/xhr-transport.js';
import { UploadController, type UploadControllerOptions } from '../src/upload-controller.js';
import { makeFile } from './helpers/files.js';
import { countFrames } from './helpers/frame-counter.js';

const host: ReactiveControllerHost = {
  addController() {},
  removeController() {},
  requestUpdate() {},
  updateComplete: Promise.resolve(true),
};

/** One 100-byte file through a controller whose sign answer comes at once, sent with `transport`. */
function uploadOne(transport: Transport, emit: UploadControllerOptions['emit']): void {
  window.fetch = async () => Response.json({ url: 'https://storage.test/', fields: { key: 'k' } });
  const controller = new UploadController(host, {
    queue: () => ({ concurrency: 1, retries: 0, baseDelay: 0, manual: false, stallTimeout: 0, multipartThreshold: Infinity }),
    backend: () => ({ endpoint: '/api/sign', headers: {} }),
    transport,
    emit,
  });
  controller.add([makeFile('a.bin', 100, 'application/octet-stream')], {});
}

describe('UploadController', () => {
  const realFetch = window.fetch;
  afterEach(() => {
    window.fetch = realFetch;
  });

  it('holds a last progress that would be the second in a frame until the next frame, and upload-complete behind it', async () => {
    let report!: (loaded: number, total: number) => void;
    let answer!: (response: TransportResponse) => void;
    const transport: Transport = (request) =>
      new Promise((resolve) => {
        report = request.onProgress;
        answer = resolve;
        request.onProgress(50, 100);
      });
    const frames = countFrames();
    const seen: string[] = [];
    const done = new Promise<void>((resolve) =>
      uploadOne(transport, (type, detail) => {
        if (type === 'upload-progress') {
          const { loaded } = detail as { loaded: number };
          seen.push(`progress ${loaded} @${frames.current}`);
          // The bytes finish and storage answers while this frame's progress is being told.
          if (loaded < 100) {
            report(100, 100);
            answer({ status: 204, body: '', header: () => null });
          }
        }
        if (type === 'upload-complete') {
          seen.push(`complete @${frames.current}`);
          resolve();
        }
      }),
    );
    await done;
    frames.stop();

    const [first, last, complete] = seen;
    expect(seen).to.have.length(3);
    expect(first).to.match(/^progress 50 @/);
    expect(last).to.match(/^progress 100 @/);
    expect(complete).to.match(/^complete @/);
    const frameOf = (line: string) => Number(line.split('@')[1]);
    expect(frameOf(last!)).to.be.greaterThan(frameOf(first!));
    expect(frameOf(complete!)).to.equal(frameOf(last!));
  });

  it("asks for no animation frame when a file's only progress is its last", async () => {
    const transport: Transport = async () => ({ status: 204, body: '', header: () => null });
    const { requestAnimationFrame } = window;
    let asked = 0;
    window.requestAnimationFrame = (callback) => {
      asked++;
      return requestAnimationFrame.call(window, callback);
    };
    try {
      const seen: string[] = [];
      await new Promise<void>((resolve) =>
        uploadOne(transport, (type) => {
          seen.push(type);
          if (type === 'upload-complete') resolve();
        }),
      );
      expect(seen).to.deep.equal(['upload-start', 'upload-progress', 'upload-complete']);
      expect(asked, 'animation frames asked for').to.equal(0);
    } finally {
      window.requestAnimationFrame = requestAnimationFrame;
    }
  });

  // Cancelling 10,000 files touched the journal 10,000 times: one long task (about 65 ms of CPU).
  it('cancels and removes files that owe no register call without touching the register journal', () => {
    const controller = new UploadController(host, {
      queue: () => ({ concurrency: 1, retries: 0, baseDelay: 0, manual: true, stallTimeout: 0, multipartThreshold: Infinity }),
      backend: () => ({ endpoint: '/api/sign', registerEndpoint: '/api/register', headers: {} }),
      emit: () => {},
    });
    controller.add([makeFile('a.bin', 10), makeFile('b.bin', 10), makeFile('c.bin', 10)], {});
    const { getItem, removeItem } = Storage.prototype;
    let calls = 0;
    Storage.prototype.getItem = function (key) {
      calls++;
      return getItem.call(this, key);
    };
    Storage.prototype.removeItem = function (key) {
      calls++;
      removeItem.call(this, key);
    };
    try {
      controller.queue.cancel(controller.queue.uploads[0]!.id);
      controller.remove();
    } finally {
      Object.assign(Storage.prototype, { getItem, removeItem });
    }
    expect(controller.queue.uploads).to.deep.equal([]);
    expect(calls).to.equal(0);
  });
});
