// Browser tests: `npm run test:browser` (all files) or
// `npx web-test-runner test/infra/smoke.test.ts` (some). Node tests live in
// test/node and run with `npm run test:node`.
// Engines: BROWSERS=chromium,firefox,webkit (default chromium); see test/helpers/browser-engines.mjs.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { tsImport } from 'tsx/esm/api';
import { availableEngines, launchersFor, requestedEngines } from './test/helpers/browser-engines.mjs';

/**
 * Imports a TypeScript module of this repo (servers are written in TS).
 * @param {string} path relative to this file
 */
const importTs = (path) => tsImport(path, import.meta.url);

/**
 * Real servers the browser tests talk to, started once before the first test
 * file and closed after the last. Each entry:
 *
 *   { name: string, start(): Promise<{ env: Record<string, string>, close(): Promise<void> | void }> }
 *
 * (types: test/helpers/node/test-server.ts). The `env` of all servers is merged
 * (a key twice is an error) and served at /__test-env.json; browser tests read it
 * with `testEnv()` / `requireTestEnv('NAME')` from test/helpers/test-env.ts.
 * test/helpers/msw.ts lets every http(s) URL found there bypass msw.
 * Start on port 0 or another free port: wtr's own server is on 8000.
 *
 * @type {import('./test/helpers/node/test-server.ts').TestServer[]}
 */
const servers = [
  // Takes any POST and answers 204 with CORS: UPLOAD_SINK_URL (test/infra/no-sw.test.ts).
  {
    name: 'upload sink',
    start: async () => (await importTs('./test/helpers/node/upload-sink.ts')).startUploadSink(),
  },
  // Real presigned POSTs against real storage for test/e2e: E2E_API_URL, E2E_STORAGE_URL,
  // E2E_STORAGE_KIND. The embedded dev storage, or the S3 at S3_ENDPOINT (radosgw in CI).
  {
    name: 'e2e backend',
    start: async () => (await importTs('./test/helpers/node/e2e-backend.ts')).startE2eBackend(),
  },
  // The demo's backend (npm start) for the seed flows in test/e2e: DEMO_API_URL.
  {
    name: 'demo backend',
    start: async () => (await importTs('./test/helpers/node/e2e-backend.ts')).startE2eDemoBackend(),
  },
];

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
function testServersPlugin() {
  /** @type {Record<string, string>} */
  const env = {};
  /** @type {Array<{ name: string, close(): Promise<void> | void }>} */
  const running = [];
  const closeAll = async () => {
    const stopping = running.splice(0).reverse();
    const results = await Promise.allSettled(stopping.map((server) => server.close()));
    results.forEach((result, i) => {
      if (result.status === 'rejected') console.error(`test server "${stopping[i].name}" did not close:`, result.reason);
    });
  };
  return {
    name: 'test-servers',
    async serverStart() {
      try {
        for (const server of servers) {
          const started = await server.start();
          running.push({ name: server.name, close: () => started.close() });
          for (const [key, value] of Object.entries(started.env)) {
            if (key in env) throw new Error(`test server "${server.name}" sets ${key}, which another server set already`);
            env[key] = value;
          }
        }
      } catch (error) {
        await closeAll();
        throw error;
      }
    },
    async serverStop() {
      await closeAll();
    },
    serve(context) {
      if (context.path === '/__test-env.json') {
        return { body: JSON.stringify(env), type: 'application/json', headers: { 'cache-control': 'no-store' } };
      }
      return undefined;
    },
  };
}

const mswScriptPath = createRequire(import.meta.url).resolve('msw/mockServiceWorker.js');

/**
 * Serves msw's worker script at the root, so it may control every test page.
 * @param {import('koa').Context} ctx
 * @param {import('koa').Next} next
 */
async function mswWorkerScript(ctx, next) {
  if (ctx.path !== '/mockServiceWorker.js') return next();
  ctx.type = 'application/javascript';
  ctx.set('Service-Worker-Allowed', '/');
  ctx.set('Cache-Control', 'no-store');
  ctx.body = await readFile(mswScriptPath, 'utf8');
}

/**
 * Ends the output with one line per engine, "browser Firefox (<user agent>): N passed,
 * N failed, N skipped", so CI can read the counts and the version the suite ran on.
 * A file that failed before or outside its tests counts as one failure.
 *
 * @returns {{ middleware: import('@web/dev-server-core').Middleware, reporter: import('@web/test-runner').Reporter }}
 */
function countsReporter() {
  /** @type {Map<string, string>} user agent by test session id, from the page's first request */
  const agents = new Map();
  /** @type {import('@web/dev-server-core').Middleware} */
  const recordUserAgent = (ctx, next) => {
    const id = ctx.query['wtr-session-id'];
    if (typeof id === 'string' && !agents.has(id)) agents.set(id, ctx.get('user-agent'));
    return next();
  };
  /**
   * @param {import('@web/test-runner-core').TestSuiteResult} suite
   * @param {{ passed: number, failed: number, skipped: number }} totals
   */
  const count = (suite, totals) => {
    for (const test of suite.tests) {
      if (test.skipped) totals.skipped += 1;
      else if (test.passed) totals.passed += 1;
      else totals.failed += 1;
    }
    for (const child of suite.suites) count(child, totals);
    return totals;
  };
  return {
    middleware: recordUserAgent,
    reporter: {
      stop({ sessions }) {
        /** @type {Map<string, { passed: number, failed: number, skipped: number, userAgent?: string }>} */
        const byEngine = new Map();
        for (const session of sessions) {
          // WebKit's launcher (test/helpers/browser-engines.mjs) adds its version to the name.
          const { browserVersion } = /** @type {{ browserVersion?: string }} */ (session.browser);
          const name = [session.browser.name, browserVersion].filter(Boolean).join(' ');
          const totals = byEngine.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
          byEngine.set(name, totals);
          totals.userAgent ??= agents.get(session.id);
          const before = totals.failed;
          if (session.testResults) count(session.testResults, totals);
          if (session.passed === false && totals.failed === before) totals.failed += 1;
        }
        for (const [name, totals] of byEngine) {
          const agent = totals.userAgent ? ` (${totals.userAgent})` : '';
          console.log(`browser ${name}${agent}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
        }
      },
    },
  };
}

const counts = countsReporter();

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/**/*.test.ts', '!test/node/**'],
  nodeResolve: { exportConditions: ['browser', 'development'] },
  plugins: [
    esbuildPlugin({
      ts: true,
      target: 'auto',
      // useDefineForClassFields false: Lit's reactive properties are plain class fields.
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
    testServersPlugin(),
  ],
  middleware: [counts.middleware, mswWorkerScript],
  ...(await launchersFor(availableEngines(requestedEngines()))),
  // Generous limits: some end-to-end files upload 100 MB to a local S3.
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 10 * 60_000,
  testFramework: {
    // Per test; a test moving large files raises its own with this.timeout().
    config: { timeout: 15_000 },
  },
  // No redrawn progress bar in CI logs.
  staticLogging: Boolean(process.env.CI),
  // Lit's one-line dev-mode notice would show under every file that renders.
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  reporters: [defaultReporter(), counts.reporter],
};
