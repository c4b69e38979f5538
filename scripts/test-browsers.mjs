// `npm run test:browser` / `npm run test:e2e`: web-test-runner once per engine in
// BROWSERS (default chromium), one after another, with the time each took.
//
//   BROWSERS=chromium,firefox,webkit node scripts/test-browsers.mjs [wtr arguments...]
//
// One engine at a time because these machines have two cores: three browsers at once
// made upload timings and timeouts flaky. Every engine runs even when one fails;
// the exit code is the first failure's.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableEngines, requestedEngines } from '../test/helpers/browser-engines.mjs';

const engines = availableEngines(requestedEngines());
const args = process.argv.slice(2);
// The package's bin, so this works from `node` as well as from npm scripts.
const wtr = fileURLToPath(new URL('../node_modules/@web/test-runner/dist/bin.js', import.meta.url));

/** Set by SIGTERM / SIGINT: the engines after the running one do not start. */
let stopped = false;

/** @param {string} engine @returns {Promise<number>} the exit code */
function run(engine) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wtr, ...args], { stdio: 'inherit', env: { ...process.env, BROWSERS: engine } });
    // A stop meant for this script (CI's timeout, kill) must reach the runner and its browsers.
    const forward = (/** @type {NodeJS.Signals} */ signal) => {
      stopped = true;
      child.kill(signal);
    };
    process.on('SIGTERM', forward).on('SIGINT', forward);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', forward).off('SIGINT', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** @type {string[]} */
const summary = [];
let exitCode = 0;
for (const engine of engines) {
  if (stopped) break;
  console.log(`\n--- browser tests in ${engine}${args.length ? ` (${args.join(' ')})` : ''}`);
  const started = performance.now();
  const code = await run(engine);
  const seconds = Math.round((performance.now() - started) / 1000);
  summary.push(`${engine}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds} s`);
  if (code !== 0 && exitCode === 0) exitCode = code;
}
console.log(`\n--- engines\n${summary.join('\n')}`);
process.exit(exitCode);
