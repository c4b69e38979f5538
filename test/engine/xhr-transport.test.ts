import { expect } from '@open-wc/testing';
import { createXhrTransport } from '../../src/engine/xhr-transport.js';

/** Just enough of an XMLHttpRequest to drive by hand: it never answers unless told to. */
class FakeXhr extends EventTarget {
  readonly upload = new EventTarget();
  withCredentials = true;
  status = 0;
  responseText = '';
  aborted = false;
  sent?: unknown;
  open() {}
  send(body: unknown) {
    this.sent = body;
  }
  getResponseHeader() {
    return null;
  }
  abort() {
    this.aborted = true;
    this.dispatchEvent(new Event('abort'));
  }
  progress(loaded: number, total: number) {
    this.upload.dispatchEvent(new ProgressEvent('progress', { lengthComputable: true, loaded, total }));
  }
}

function request(signal = new AbortController().signal, stallTimeout = 0, onProgress = (_l: number, _t: number) => {}) {
  return { url: 'https://s3.test/b', method: 'POST', body: new FormData(), onProgress, signal, stallTimeout };
}

describe('createXhrTransport', () => {
  it('never sends credentials and reports progress', async () => {
    const xhr = new FakeXhr();
    const seen: number[] = [];
    const answer = createXhrTransport(() => xhr as unknown as XMLHttpRequest)(request(undefined, 0, (loaded) => seen.push(loaded)));
    xhr.progress(5, 10);
    xhr.status = 204;
    xhr.dispatchEvent(new Event('load'));
    expect((await answer).status).to.equal(204);
    expect(xhr.withCredentials).to.equal(false);
    expect(seen).to.deep.equal([5]);
  });

  it('gives up a request that stops moving, as stalled', async () => {
    const xhr = new FakeXhr();
    const answer = createXhrTransport(() => xhr as unknown as XMLHttpRequest)(request(undefined, 60));
    // Progress keeps it alive past one stall period...
    for (let i = 1; i <= 3; i++) {
      await new Promise((r) => setTimeout(r, 40));
      xhr.progress(i, 10);
    }
    expect(xhr.aborted).to.equal(false);
    // ...silence does not.
    const response = await answer;
    expect(xhr.aborted).to.equal(true);
    expect(response).to.deep.include({ status: 0, stalled: true });
  });

  it('rejects with the abort reason when cancelled', async () => {
    const xhr = new FakeXhr();
    const controller = new AbortController();
    const answer = createXhrTransport(() => xhr as unknown as XMLHttpRequest)(request(controller.signal, 50));
    controller.abort(new DOMException('Upload cancelled', 'AbortError'));
    let error: unknown;
    await answer.catch((caught) => (error = caught));
    expect((error as DOMException).name).to.equal('AbortError');
  });
});
