// `npm run bench:resize`: how fast the element makes 12 MP JPEGs smaller before upload, and the
// longest task on the page meanwhile. The standalone build in headless Chromium resizes a batch
// of 20 photos to fit 1920 px; the sign endpoint is unreachable, so only the resize is timed
// (addFiles until the 20th `upload-start`, which fires once a file's bytes are ready).
// Three runs: headless (the resize alone), with the default UI, and the UI without resizing.
// The batch runs in the page: its code needs the DOM types.
/// <reference lib="dom" />
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_ARGS } from '../test/helpers/chrome-launcher.mjs';
import { folder, startStaticServer } from '../test/helpers/node/static-server.ts';

const BATCH = 20;
const RUNS = {
  'resize, headless': 'headless resize-width="1920" resize-height="1920"',
  'resize, default UI': 'resize-width="1920" resize-height="1920"',
  'no resize, default UI': '',
} as const;

interface BatchResult {
  photoBytes: number;
  uploadBytes: number;
  ms: number;
  longTasks: number[];
}

/** In the page: one 4000x3000 photo-like JPEG (gradient, shapes, grain), added 20 times. */
async function resizeBatch(count: number): Promise<BatchResult> {
  const canvas = new OffscreenCanvas(4000, 3000);
  const context = canvas.getContext('2d')!;
  const gradient = context.createLinearGradient(0, 0, 4000, 3000);
  gradient.addColorStop(0, '#357');
  gradient.addColorStop(1, '#fc8');
  context.fillStyle = gradient;
  context.fillRect(0, 0, 4000, 3000);
  for (let i = 0; i < 3000; i++) {
    context.fillStyle = `hsla(${Math.random() * 360},60%,50%,.4)`;
    context.beginPath();
    context.arc(Math.random() * 4000, Math.random() * 3000, Math.random() * 80, 0, 7);
    context.fill();
  }
  const pixels = context.getImageData(0, 0, 4000, 3000);
  for (let i = 0; i < pixels.data.length; i += 4) {
    const grain = (Math.random() - 0.5) * 24;
    for (let c = 0; c < 3; c++) pixels.data[i + c]! += grain;
  }
  context.putImageData(pixels, 0, 0);
  const photo = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
  const files = Array.from({ length: count }, (_, i) => new File([photo], `photo-${i}.jpg`, { type: 'image/jpeg' }));
  const el = document.querySelector('presigned-uploader') as HTMLElement & { addFiles(files: File[]): void; files: Array<{ total: number }> };
  // Let the photo's own long tasks end before watching.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((entry) => Math.round(entry.duration))));
  observer.observe({ type: 'longtask' });
  let started = 0;
  const all = new Promise<void>((resolve) => el.addEventListener('upload-start', () => ++started === count && resolve()));
  const t0 = performance.now();
  el.addFiles(files);
  await all;
  const ms = performance.now() - t0;
  // The long tasks of the last files' rendering end a frame or two later.
  await new Promise((resolve) => setTimeout(resolve, 300));
  observer.disconnect();
  return { photoBytes: photo.size, uploadBytes: el.files[0]!.total, ms: Math.round(ms), longTasks };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pu-bench-resize-'));
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    await build({ mode: 'standalone', logLevel: 'silent', build: { outDir: dir, sourcemap: false } });
    for (const [label, attributes] of Object.entries(RUNS)) {
      const page = `<script type="module" src="/presigned-uploader.standalone.js"></script>
        <presigned-uploader endpoint="http://127.0.0.1:9/sign" retries="0" concurrency="${BATCH}" multiple ${attributes}></presigned-uploader>`;
      await writeFile(join(dir, 'index.html'), page);
      const site = await startStaticServer(folder(dir));
      const tab = await browser.newPage();
      try {
        await tab.goto(`${site.url}/`);
        await tab.evaluate(() => customElements.whenDefined('presigned-uploader'));
        const result = await tab.evaluate(resizeBatch, BATCH);
        const longest = Math.max(0, ...result.longTasks);
        console.log(
          `${label}: ${BATCH} photos of ${(result.photoBytes / 1e6).toFixed(1)} MB in ${result.ms} ms ` +
            `(${((BATCH * 1000) / result.ms).toFixed(2)} photos/s), each uploading ${(result.uploadBytes / 1e3).toFixed(0)} kB; ` +
            `longest task ${longest} ms (${result.longTasks.length} over 50 ms)`,
        );
      } finally {
        await tab.close();
        await site.close();
      }
    }
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
