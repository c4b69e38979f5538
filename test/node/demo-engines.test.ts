// The demo page (`npm start`) in every engine of BROWSERS (default chromium; CI: all three):
// the real `npm start` process with its dev storage, the page opened in the engine, and one
// file uploaded through every uploader on the page, picked the way the picker hands files over.
// The panels are found on the page, not listed here: a new set-up is covered as it lands.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { remote } from 'webdriverio';
import { availableEngines, firefoxBinary, requestedEngines, startWebKitDriver } from '../helpers/browser-engines.mjs';
import { CHROMIUM_ARGS } from '../helpers/chrome-launcher.mjs';
import type { PanelResult } from '../helpers/panel-result.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

// The script the page runs lives with the browser code (DOM typings); a specifier in a variable
// keeps this Node program from type-checking it without them.
const pageModule = '../helpers/upload-through-panels.ts';
const { uploadThroughEveryPanel } = (await import(pageModule)) as { uploadThroughEveryPanel: (tag: string) => Promise<PanelResult[]> };

/**
 * `uploadThroughEveryPanel(tag)` as an expression for the page. tsx compiles this file with
 * esbuild's keepNames, which wraps inner functions in a `__name` helper the page lacks.
 */
function pageScript(tag: string): string {
  return `(() => { const __name = (f) => f; return (${uploadThroughEveryPanel.toString()})(${JSON.stringify(tag)}); })()`;
}

interface OpenedPage {
  /** The engine's name and version, as the browser says. */
  version: string;
  /** Opens the URL and runs `uploadThroughEveryPanel` there. */
  upload(url: string, tag: string): Promise<PanelResult[]>;
  close(): Promise<void>;
}

const TIMEOUT = 120_000;

/** Each engine through the driver that works for it here: see README "Browsers". */
const open: Record<string, () => Promise<OpenedPage>> = {
  async chromium() {
    const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.setDefaultTimeout(TIMEOUT);
    return {
      version: `Chromium ${browser.version()}`,
      async upload(url, tag) {
        await page.goto(url);
        return page.evaluate<PanelResult[]>(pageScript(tag));
      },
      close: () => browser.close(),
    };
  },
  async firefox() {
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: firefoxBinary(), headless: true, protocolTimeout: TIMEOUT });
    const page = await browser.newPage();
    return {
      version: await browser.version(),
      async upload(url, tag) {
        await page.goto(url);
        return (await page.evaluate(pageScript(tag))) as unknown as PanelResult[];
      },
      close: () => browser.close(),
    };
  },
  async webkit() {
    const driver = await startWebKitDriver();
    const browser = await remote(driver.options);
    await browser.setTimeout({ script: TIMEOUT });
    return {
      version: `WebKitGTK ${String(browser.capabilities.browserVersion)}`,
      async upload(url, tag) {
        await browser.url(url);
        // Classic WebDriver's Execute Script waits for the promise the script returns.
        return (await browser.execute(`return ${pageScript(tag)}`)) as unknown as PanelResult[];
      },
      async close() {
        await browser.deleteSession();
        driver.stop();
      },
    };
  },
};

interface Demo {
  url: string;
  process: ChildProcess;
}

/** `npm start` on free ports; resolves with the page's URL once it prints it. */
function startDemo(): Promise<Demo> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/start.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', PORT_API: '0', PORT_STORAGE: '0', S3_ENDPOINT: '', AWS_ACCESS_KEY_ID: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /presigned-uploader demo: (http\S+)/.exec(output)?.[1];
      if (url) resolve({ url, process: child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it served the page:\n${output}`)));
  });
}

let demo: Demo | undefined;

before(async () => {
  demo = await startDemo();
});

after(() => {
  demo?.process.kill('SIGTERM');
});

/** The demo's own list of stored objects (GET /api/objects, as the page's "Stored objects" panel). */
async function storedSizes(): Promise<Map<string, number>> {
  const response = await fetch(new URL('/api/objects', demo!.url), { headers: { Accept: 'application/json' } });
  assert.equal(response.status, 200);
  const { objects } = (await response.json()) as { objects: Array<{ key: string; size: number }> };
  return new Map(objects.map(({ key, size }) => [key, size]));
}

describe('the demo page in every engine', { timeout: 5 * 60_000 }, () => {
  for (const engine of availableEngines(requestedEngines())) {
    it(`${engine}: uploads through every uploader on the page`, async (t) => {
      const page = await open[engine]!();
      try {
        const tag = `${engine}-${Date.now().toString(36)}`;
        const results = await page.upload(demo!.url, tag);
        t.diagnostic(`${page.version}: ${results.map((r) => r.panel).join(', ')}`);
        assert.ok(results.length >= 3, `found the set-ups on the page: ${results.map((r) => r.panel)}`);
        for (const result of results) assert.equal(result.error, undefined, `${result.panel}: ${JSON.stringify(result.error)}`);
        const stored = await storedSizes();
        for (const { panel, key, size } of results) assert.equal(stored.get(key!), size, `${panel}: ${key} is stored with its ${size} bytes`);
      } finally {
        await page.close();
      }
    });
  }
});
