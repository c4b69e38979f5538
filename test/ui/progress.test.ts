// Speed, time left and the progress milestones in the rendered UI, from real XHR upload progress:
// this page has no msw worker (it would silence upload progress), so the sign call is answered by a
// stub of `fetch` and the bytes go to the test upload sink.
import { expect, oneEvent } from '@open-wc/testing';
import { makeFile } from '../helpers/files.js';
import { requireTestEnv } from '../helpers/test-env.js';
import { uploader } from '../helpers/uploader.js';

describe('<presigned-uploader> UI with real upload progress', () => {
  const realFetch = window.fetch;
  afterEach(() => {
    window.fetch = realFetch;
  });

  it('shows bytes sent, speed and time left while uploading, and announces the milestones', async function () {
    this.timeout(60_000);
    const sink = await requireTestEnv('UPLOAD_SINK_URL');
    window.fetch = async (input, init) => {
      if (String(input).endsWith('/api/sign')) return Response.json({ url: sink, fields: { key: 'ui/${filename}' } });
      return realFetch(input, init);
    };
    const el = await uploader('endpoint="/api/sign"');
    const metas: string[] = [];
    const announced: string[] = [];
    el.addEventListener('upload-progress', async () => {
      await el.updateComplete;
      metas.push(el.shadowRoot!.querySelector('[part=meta]')!.textContent!);
      announced.push(el.shadowRoot!.querySelector('[aria-live]')!.textContent!);
    });
    const done = oneEvent(el, 'upload-complete');
    el.addFiles([makeFile('big.bin', 64 * 1024 * 1024, 'application/octet-stream')]);
    await done;
    await el.updateComplete;

    const withRate = metas.filter((meta) => /\d MB\/s/.test(meta));
    expect(withRate.length, metas.join(' | ')).to.be.greaterThan(0);
    expect(withRate[0]).to.match(/^[\d.]+ MB of 67\.1 MB · [\d.]+ [kMG]?B\/s( · \d+(\.\d)? (second|seconds|minute|minutes) left)?$/);
    expect(el.shadowRoot!.querySelector('[part=meta]')!.textContent).to.equal('67.1 MB');
    expect(el.shadowRoot!.querySelector('[aria-live]')!.textContent).to.equal('big.bin uploaded.');
    // Milestones are told in order, each once, whichever of them the progress events crossed.
    const milestones = [...new Set(announced.filter((text) => /%/.test(text)))];
    expect(milestones.length, announced.join(' | ')).to.be.greaterThan(0);
    for (const text of milestones) expect(text).to.match(/^big\.bin: (25|50|75)% uploaded\.$/);
  });
});
