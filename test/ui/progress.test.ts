// Speed, time left and the progress milestones in the rendered UI, from real XHR upload progress:
// this page has no msw worker (it would silence upload progress), so the sign call is answered by a
// stub of `fetch` and the bytes go to the test upload sink.
import { expect, oneEvent } from '@open-wc/testing';
import { makeFile } from '../helpers/files.js';
import { countFrames } from '../helpers/frame-counter.js';
import { requireTestEnv } from '../helpers/test-env.js';
import { uploader } from '../helpers/uploader.js';

/** How long the element waits for a frame before it sends progress anyway (src/ui/next-frame.ts). */
const FALLBACK_MS = 250;

describe('<presigned-uploader> UI with real upload progress', () => {
  const realFetch = window.fetch;
  afterEach(() => {
    window.fetch = realFetch;
  });

  /** Answers the sign call with the upload sink, read at `rate` bytes per second, under `prefix`. */
  async function signToSink(prefix: string, rate: number): Promise<void> {
    const sink = await requireTestEnv('UPLOAD_SINK_URL');
    window.fetch = async (input, init) => {
      if (String(input).endsWith('/api/sign')) return Response.json({ url: `${sink}?rate=${rate}`, fields: { key: `${prefix}/\${filename}` } });
      return realFetch(input, init);
    };
  }

  it('shows bytes sent, speed and time left while uploading, and announces the milestones', async function () {
    this.timeout(60_000);
    // Four seconds of upload: at 64 MB/s Firefox sent only the final progress event (it sent
    // none mid-upload within that second); at this rate it sends dozens, like the others.
    await signToSink('ui', 16_000_000);
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

  it('sends at most one upload-progress per file per animation frame, the last one included and before upload-complete', async function () {
    this.timeout(60_000);
    await signToSink('frames', 12_000_000);
    const el = await uploader('endpoint="/api/sign" concurrency="4" multiple');
    const frames = countFrames();
    const perFileFrame = new Map<string, number>();
    const lastAt = new Map<string, number>();
    const crowded: string[] = [];
    const last = new Map<string, { loaded: number; total: number }>();
    const completedEarly: string[] = [];
    el.addEventListener('upload-progress', ({ detail }) => {
      const slot = `${detail.file.name}@${frames.current}`;
      perFileFrame.set(slot, (perFileFrame.get(slot) ?? 0) + 1);
      // When no frame comes for FALLBACK_MS the element sends anyway (src/ui/next-frame.ts): WebKit
      // painted no frame for over half a second while four uploads started. Only a second event
      // sooner than that within one frame is one too many.
      const now = performance.now();
      if (now - (lastAt.get(slot) ?? -Infinity) < FALLBACK_MS) crowded.push(`${slot} after ${Math.round(now - lastAt.get(slot)!)} ms`);
      lastAt.set(slot, now);
      last.set(detail.id, detail);
    });
    const files = Array.from({ length: 8 }, (_, i) => makeFile(`f${i}.bin`, 6 * 1024 * 1024, 'application/octet-stream'));
    let completed = 0;
    const done = new Promise<void>((resolve) =>
      el.addEventListener('upload-complete', ({ detail }) => {
        const progress = last.get(detail.id);
        if (!progress || progress.loaded !== progress.total) completedEarly.push(detail.file.name);
        if (++completed === files.length) resolve();
      }),
    );
    el.addFiles(files);
    await done;
    frames.stop();

    expect(crowded, 'files with more than one progress event in a frame').to.deep.equal([]);
    expect(completedEarly, 'upload-complete before the last progress event').to.deep.equal([]);
    expect(perFileFrame.size).to.be.greaterThan(files.length);
  });
});
