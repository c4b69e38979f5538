// Headless Chromium (or Firefox, through puppeteer-core over WebDriver BiDi) for
// @web/test-runner, one fresh browser context per test file.
//
// Why: msw registers a service worker for the test server's origin, and a
// service worker outlives its page. The stock launcher shares one context and
// even reuses pages between test files, so a file without msw would still be
// controlled by another file's worker (and, for one, get no XHR upload progress).
import { ChromeLauncher } from '@web/test-runner-chrome';
import puppeteerCore from 'puppeteer-core';

/** Flags from shared/notes/toolchain-facts.md: root needs --no-sandbox; the rest stop background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // test/e2e/soak.test.ts measures the page's heap: `gc()` to collect first, and exact
  // `performance.memory` figures (without it they are rounded and refreshed rarely).
  '--js-flags=--expose-gc',
  '--enable-precise-memory-info',
];

class IsolatedChromeLauncher extends ChromeLauncher {
  /** @param {string} sessionId */
  async stopSession(sessionId) {
    const page = this.getPage(sessionId);
    const result = await super.stopSession(sessionId);
    // The base class parks the page in `inactivePages` for the next file; take it
    // back out (so the next file gets a new page) and drop its context, workers included.
    const parked = /** @type {{ inactivePages?: Array<{ puppeteerPage: unknown }> }} */ (
      /** @type {unknown} */ (this)
    );
    if (!Array.isArray(parked.inactivePages)) {
      throw new Error('@web/test-runner-chrome changed: ChromeLauncher#inactivePages is gone; revisit test/helpers/chrome-launcher.mjs');
    }
    parked.inactivePages = parked.inactivePages.filter((p) => p.puppeteerPage !== page);
    await page.browserContext().close();
    return result;
  }
}

/**
 * @param {import('puppeteer-core').LaunchOptions} launchOptions
 * @param {{ concurrency?: number, puppeteer?: unknown }} options
 * @returns {ChromeLauncher}
 */
function isolatedLauncher(launchOptions, { concurrency, puppeteer }) {
  return new IsolatedChromeLauncher(
    // Large uploads keep the browser busy; don't give up on a slow protocol call.
    { headless: true, protocolTimeout: 10 * 60_000, ...launchOptions },
    ({ browser }) => browser.defaultBrowserContext(),
    async ({ browser }) => {
      const context = await browser.createBrowserContext();
      return context.newPage();
    },
    /** @type {any} */ (puppeteer),
    concurrency,
  );
}

/**
 * @param {{ concurrency?: number }} [options]
 * @returns {ChromeLauncher}
 */
export function isolatedChromeLauncher({ concurrency } = {}) {
  // Unset executablePath means the launcher finds /usr/bin/chromium itself.
  return isolatedLauncher({ executablePath: process.env.CHROME_PATH || undefined, args: CHROMIUM_ARGS }, { concurrency });
}

/**
 * Firefox through puppeteer-core's WebDriver BiDi: no geckodriver, no download.
 * A custom puppeteer makes the launcher name itself after `browser`: "Firefox".
 * @param {{ executablePath: string, concurrency?: number }} options
 * @returns {ChromeLauncher}
 */
export function isolatedFirefoxLauncher({ executablePath, concurrency }) {
  return isolatedLauncher({ browser: 'firefox', executablePath }, { concurrency, puppeteer: puppeteerCore });
}
