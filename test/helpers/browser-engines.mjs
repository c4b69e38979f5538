// Which engines the browser tests run in, and their @web/test-runner launchers.
//
//   BROWSERS=chromium,firefox,webkit npx web-test-runner
//
// Unset BROWSERS means Chromium only, so a machine with just Chromium runs `npm test`.
// An engine asked for but not installed is an error under CI=true (never a quiet skip),
// and a loud warning elsewhere. Debian packages: chromium, firefox-esr,
// webkit2gtk-driver + xvfb (WebKit's MiniBrowser has no headless mode).
import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import { isolatedChromeLauncher, isolatedFirefoxLauncher } from './chrome-launcher.mjs';

export const ENGINES = /** @type {const} */ (['chromium', 'firefox', 'webkit']);

/** @typedef {typeof ENGINES[number]} Engine */

/** @returns {Engine[]} the engines named in BROWSERS, in that order; Chromium when unset */
export function requestedEngines(value = process.env.BROWSERS) {
  const names = (value || 'chromium').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  for (const name of names) {
    if (!ENGINES.includes(/** @type {Engine} */ (name))) {
      throw new Error(`BROWSERS: unknown engine "${name}"; use a comma-separated list of ${ENGINES.join(', ')}`);
    }
  }
  return /** @type {Engine[]} */ ([...new Set(names)]);
}

/** @param {string} path */
function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** @param {string} name @returns {string | undefined} the program's path on PATH */
function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name)).find(isExecutable);
}

/** @param {string | undefined} override @param {string[]} candidates */
function firstExecutable(override, candidates) {
  if (override) return isExecutable(override) ? override : undefined;
  return candidates.find(isExecutable);
}

export const firefoxBinary = () => firstExecutable(process.env.FIREFOX_BIN, ['/usr/bin/firefox-esr', '/usr/bin/firefox']);
// Debian puts it under the multiarch triplet: /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/.
const miniBrowserBinary = () =>
  firstExecutable(
    process.env.MINIBROWSER_BIN,
    readdirSync('/usr/lib').map((dir) => `/usr/lib/${dir}/webkit2gtk-4.1/MiniBrowser`),
  );

/**
 * What each engine lacks on this machine, as a sentence; empty when it can run.
 * Chromium is not checked here: its launcher searches the usual places itself.
 * @param {Engine} engine
 * @returns {string[]}
 */
function missingParts(engine) {
  if (engine === 'firefox') return firefoxBinary() ? [] : ['firefox-esr (or FIREFOX_BIN)'];
  if (engine === 'webkit') {
    return [
      ...(onPath('WebKitWebDriver') ? [] : ['WebKitWebDriver (webkit2gtk-driver)']),
      ...(miniBrowserBinary() ? [] : ['MiniBrowser (libwebkit2gtk-4.1, or MINIBROWSER_BIN)']),
      ...(process.env.DISPLAY || onPath('Xvfb') ? [] : ['an X display: DISPLAY or Xvfb (xvfb)']),
    ];
  }
  return [];
}

/**
 * The requested engines that can run here. Under CI a missing one throws; elsewhere
 * it is left out with a warning on stderr.
 * @param {Engine[]} engines
 * @returns {Engine[]}
 */
export function availableEngines(engines, { ci = Boolean(process.env.CI) } = {}) {
  /** @type {Engine[]} */
  const available = [];
  for (const engine of engines) {
    const missing = missingParts(engine);
    if (missing.length === 0) {
      available.push(engine);
      continue;
    }
    const message = `${engine} was requested (BROWSERS=${process.env.BROWSERS ?? ''}) but is missing: ${missing.join(', ')}`;
    if (ci) throw new Error(`${message}. CI runs every requested engine.`);
    console.warn(`\n!!! ${message}. NOT running the browser tests in ${engine}.\n`);
  }
  if (available.length === 0) throw new Error('none of the requested browser engines is installed');
  return available;
}

/** @returns {Promise<number>} a TCP port that was free a moment ago */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @type {import('node:child_process').ChildProcess[]} */
const helpers = [];
const stopHelpers = () => {
  for (const child of helpers) child.kill();
};
process.once('exit', stopHelpers);
// A signal ends the process without 'exit'; Xvfb and the driver would outlive it.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.once(signal, () => {
    stopHelpers();
    // Listeners of our own must not keep the process alive: let the signal do what it would have.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/**
 * Starts a private Xvfb and returns its DISPLAY. Xvfb picks a free display number
 * itself (-displayfd), so parallel runs never race for one (a race hung WebKit here).
 * @returns {Promise<string>}
 */
function startXvfb() {
  return new Promise((resolve, reject) => {
    // One display serves a MiniBrowser per test file; a full run once failed to open it
    // ("cannot open display") late in the run: room for more clients than the default 256.
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-maxclients', '2048', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    helpers.push(xvfb);
    let out = '';
    xvfb.stdio[3]?.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    xvfb.once('error', reject);
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with code ${code} before it chose a display`)));
  });
}

/**
 * Starts WebKitWebDriver on a free port (webdriverio starts only the drivers it knows)
 * and waits until it answers.
 * @param {string} display
 * @returns {Promise<number>} its port
 */
async function startWebKitWebDriver(display) {
  const port = await freePort();
  const driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=local'], {
    env: { ...process.env, DISPLAY: display },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  helpers.push(driver);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited with code ${driver.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok, () => false);
    if (ok) return port;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`WebKitWebDriver did not answer on port ${port} within 10 s`);
}

/**
 * One MiniBrowser per test file, as Chromium and Firefox get one browser context per
 * file: a service worker (msw) outlives its page, and in WebKit a later file of the same
 * origin stayed controlled by it and hung; storage (resume journals) starts empty too.
 */
class FreshSessionWebdriverLauncher extends WebdriverLauncher {
  /** WebKitGTK's version (the user agent names a made-up Safari); the counts reporter prints it. */
  browserVersion = '';

  /** @param {import('@web/test-runner').TestRunnerCoreConfig} config */
  async initialize(config) {
    await super.initialize(config);
    this.name = 'WebKit';
  }

  /** @param {string} id */
  async stopSession(id) {
    // `driver` is private in the typings; the session's capabilities carry the version.
    const { driver } = /** @type {{ driver?: { capabilities: { browserVersion?: string } } }} */ (/** @type {unknown} */ (this));
    this.browserVersion ||= String(driver?.capabilities.browserVersion ?? '');
    const result = await super.stopSession(id);
    // stop() ends the WebDriver session; the next startSession() creates a new one.
    await this.stop();
    return result;
  }
}

/**
 * A WebDriver endpoint for WebKit: a private Xvfb, WebKitWebDriver on a free port, and the
 * options that open MiniBrowser through it (for webdriverio's `remote()`). `stop()` ends
 * both helpers; they also end when this process exits.
 * Also used by test/node/demo-engines.test.ts.
 */
export async function startWebKitDriver() {
  const started = helpers.length;
  // A display of our own even when DISPLAY is set: windows would pop up on the desktop.
  const display = onPath('Xvfb') ? await startXvfb() : /** @type {string} */ (process.env.DISPLAY);
  const port = await startWebKitWebDriver(display);
  const mine = helpers.slice(started);
  return {
    options: {
      hostname: '127.0.0.1',
      port,
      path: '/',
      logLevel: /** @type {const} */ ('error'),
      capabilities: /** @type {WebdriverIO.Capabilities} */ ({
        browserName: 'MiniBrowser',
        // Without it webdriverio asks for BiDi, which this WebKitGTK lacks, and the session fails.
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': { binary: miniBrowserBinary(), args: ['--automation'] },
      }),
    },
    stop() {
      for (const child of mine.reverse()) child.kill();
    },
  };
}

/**
 * Launchers for the engines, and the test-file concurrency they allow. WebKit's
 * launcher runs one file at a time in one window; with more it switches to iframes,
 * where a test file's service worker (msw) would leak into the others. In Firefox only
 * the tab in front has focus (headless Chromium gives every page its own), and a focus
 * test failed while another file ran in front of it.
 * @param {Engine[]} engines
 */
export async function launchersFor(engines) {
  /** @type {import('@web/test-runner').BrowserLauncher[]} */
  const browsers = [];
  for (const engine of engines) {
    if (engine === 'chromium') browsers.push(isolatedChromeLauncher());
    if (engine === 'firefox') browsers.push(isolatedFirefoxLauncher({ executablePath: /** @type {string} */ (firefoxBinary()) }));
    if (engine === 'webkit') browsers.push(new FreshSessionWebdriverLauncher((await startWebKitDriver()).options));
  }
  // Two cores: one test page per core. Uploads are I/O-bound, browsers are not light.
  return { browsers, concurrency: engines.every((engine) => engine === 'chromium') ? 2 : 1 };
}
