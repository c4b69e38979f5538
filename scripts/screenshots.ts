// `npx tsx scripts/screenshots.ts`: the README's pictures of the demo, taken in real Chromium.
// Starts the demo as `npm start` does (dev storage, demo backend, Vite with its /api proxy) on free
// ports, uploads real files through the page, and writes docs/images/demo-{light,dark,error}.png.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer } from 'vite';
import { startDemoBackend } from '../demo/backend/demo-backend.js';
import { CHROMIUM_ARGS } from '../test/helpers/chrome-launcher.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'docs/images');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** A PNG of a soft gradient, drawn by the page itself, so the rows show real thumbnails. */
async function picture(page: Page, hue: number): Promise<Buffer> {
  const dataUrl = await page.evaluate((h) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 240;
    const g = canvas.getContext('2d')!;
    const fill = g.createLinearGradient(0, 0, 240, 240);
    fill.addColorStop(0, `hsl(${h} 70% 65%)`);
    fill.addColorStop(1, `hsl(${h + 60} 70% 40%)`);
    g.fillStyle = fill;
    g.fillRect(0, 0, 240, 240);
    g.fillStyle = 'rgb(255 255 255 / 0.8)';
    g.beginPath();
    g.arc(160, 80, 34, 0, Math.PI * 2);
    g.fill();
    return canvas.toDataURL('image/png');
  }, hue);
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

/** Picks files with the element's own file input and waits until each row is complete or failed. */
async function upload(page: Page, setup: string, files: Array<{ name: string; mimeType: string; buffer: Buffer }>): Promise<void> {
  const uploader = page.locator(`[data-setup="${setup}"] presigned-uploader`);
  await uploader.locator('input[type=file]').first().setInputFiles(files);
  await page.waitForFunction(
    ([selector, count]) => {
      const el = document.querySelector(selector) as (HTMLElement & { files: Array<{ status: string }> }) | null;
      const files = el?.files ?? [];
      return files.length >= count && files.every((f) => f.status === 'complete' || f.status === 'error');
    },
    [`[data-setup="${setup}"] presigned-uploader`, files.length] as const,
    { timeout: 60_000 },
  );
}

async function shoot(browser: Browser, url: string, colorScheme: 'light' | 'dark'): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('presigned-uploader').first().waitFor();
  await upload(page, 'plain', [
    { name: 'harbour-at-dusk.png', mimeType: 'image/png', buffer: await picture(page, 200) },
    { name: 'meadow.png', mimeType: 'image/png', buffer: await picture(page, 90) },
    { name: 'quarterly-report.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(380_000, 37) },
  ]);
  // Freeze the caret and hover effects: the pictures should not depend on timing.
  await page.mouse.move(0, 0);
  await page.locator('[data-setup="plain"]').screenshot({ path: join(out, `demo-${colorScheme}.png`), animations: 'disabled' });

  if (colorScheme === 'light') {
    // Seed 003's vendor refuses files over 16 MB with its error 271.
    await upload(page, 'seed-003', [
      { name: 'site-survey.mov', mimeType: 'video/quicktime', buffer: Buffer.alloc(17 * 1024 * 1024, 1) },
      { name: 'floor-plan.png', mimeType: 'image/png', buffer: await picture(page, 20) },
    ]);
    await page.mouse.move(0, 0);
    await page.locator('[data-setup="seed-003"]').screenshot({ path: join(out, 'demo-error.png'), animations: 'disabled' });
  }
  await context.close();
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'presigned-uploader-shots-'));
  const backend = await startDemoBackend({ port: 0, storagePort: 0, dataDir, linkBase: '' });
  const vite = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    // Scan the demo page only: other pages in the tree may import what is not installed here.
    optimizeDeps: { entries: ['index.html'] },
    server: { port: 0, strictPort: false, proxy: { '/api': { target: backend.url } }, watch: null, hmr: false },
  });
  let browser: Browser | undefined;
  try {
    await vite.listen();
    const url = vite.resolvedUrls?.local[0];
    if (!url) throw new Error('Vite did not say where it listens');
    await mkdir(out, { recursive: true });
    browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    await shoot(browser, url, 'light');
    await shoot(browser, url, 'dark');
    console.log(`screenshots: ${['demo-light.png', 'demo-dark.png', 'demo-error.png'].map((name) => `docs/images/${name}`).join(', ')}`);
  } finally {
    await browser?.close();
    await vite.close();
    await backend.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
