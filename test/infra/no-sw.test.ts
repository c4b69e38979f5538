// XHR upload progress against a real server, in a page with no service worker
// (msw's worker would swallow the progress events: see test/helpers/msw.ts).
import { expect } from '@open-wc/testing';
import { requireTestEnv } from '../helpers/test-env.js';

describe('a page without msw', () => {
  it('gets XHR upload progress for a 5 MB POST to a real server', async () => {
    const url = await requireTestEnv('UPLOAD_SINK_URL');
    const size = 5 * 1024 * 1024;
    const form = new FormData();
    form.append('key', 'smoke/blob.bin');
    form.append('file', new Blob([new Uint8Array(size)]), 'blob.bin');

    const progress: Array<{ loaded: number; total: number }> = [];
    const xhr = new XMLHttpRequest();
    xhr.upload.addEventListener('progress', (e) => progress.push({ loaded: e.loaded, total: e.total }));
    const done = new Promise<void>((resolve, reject) => {
      xhr.addEventListener('load', () => resolve());
      xhr.addEventListener('error', () => reject(new Error('network error (missing CORS?)')));
    });
    xhr.open('POST', url);
    xhr.send(form);
    await done;

    expect(navigator.serviceWorker.controller).to.equal(null);
    expect(xhr.status).to.equal(204);
    expect(Number(xhr.getResponseHeader('X-Received-Bytes'))).to.be.greaterThan(size);
    expect(progress.length).to.be.greaterThan(0);
    const last = progress[progress.length - 1]!;
    expect(last.loaded).to.equal(last.total);
    expect(last.total).to.be.greaterThan(size);
  });
});
