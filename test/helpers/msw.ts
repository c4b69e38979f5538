// msw for browser tests: importing this module starts the worker for the
// importing test file (each file has its own page and browser context) and
// resets per-test handlers after every test.
//
//   import { worker, http, HttpResponse } from '../helpers/msw.js';
//   worker.use(http.post('/api/sign', () => HttpResponse.json({ ... })));
//
// Unhandled requests fail the request (and log an error), except:
// - requests to the origin of any http(s) URL in /__test-env.json, i.e. the real
//   servers started by web-test-runner.config.mjs (local S3, test backend):
//   they go to the network untouched. Call `letThrough(url)` for other origins.
//   A handler can also pass one request through with `passthrough()`.
// - the test server's own files (modules, assets, /__* routes).
//
// While this worker controls the page, Chromium fires no XHR upload `progress`
// events (only `loadstart`), even for passed-through requests. Prove progress in
// a test file that does not import this module (see test/infra/no-sw.test.ts).
import { isCommonAssetRequest } from 'msw';
import { setupWorker } from 'msw/browser';
import { testEnv } from './test-env.js';

export { delay, http, HttpResponse, passthrough } from 'msw';

const passthroughOrigins = new Set<string>();

/** Lets requests to this URL's origin reach the network instead of failing as unhandled. */
export function letThrough(url: string): void {
  const { origin } = new URL(url, location.href);
  // Letting the test server's own origin through would hide unmocked API calls.
  if (origin !== location.origin) passthroughOrigins.add(origin);
}

// Read before the worker starts, so this fetch is never intercepted.
for (const value of Object.values(await testEnv())) {
  if (/^https?:\/\//.test(value)) letThrough(value);
}

export const worker = setupWorker();

await worker.start({
  quiet: true,
  onUnhandledRequest(request, print) {
    const url = new URL(request.url);
    if (passthroughOrigins.has(url.origin)) return;
    if (url.origin === location.origin && (url.pathname.startsWith('/__') || isCommonAssetRequest(request))) return;
    print.error();
    // msw 2.15's print.error() only logs. Throwing a Response answers with it;
    // any other throw would become a 500 that code under test might retry.
    throw Response.error();
  },
});

afterEach(() => {
  worker.resetHandlers();
});
