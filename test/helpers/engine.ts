// Which engine runs this test page, and `skipIn` for a test that cannot run in one of them.
// The engines are chosen with BROWSERS (test/helpers/browser-engines.mjs); the README's
// "Browsers" section lists every skip.

export type Engine = 'chromium' | 'firefox' | 'webkit';

/** The engine of this page, read from the user agent (Chromium's says "AppleWebKit" too). */
export const engine: Engine = /Firefox\//.test(navigator.userAgent)
  ? 'firefox'
  : /Chrome\//.test(navigator.userAgent)
    ? 'chromium'
    : 'webkit';

/**
 * Mocha's `it`, except in the engines named, where the test is skipped with the reason in its
 * title, so the report says what was not tested and why:
 *
 *   skipIn(['webkit'], 'WebKitWebDriver has no setViewport')('fits a narrow screen', async () => { ... });
 */
export function skipIn(engines: readonly Engine[], reason: string): (title: string, fn: Mocha.Func | Mocha.AsyncFunc) => Mocha.Test {
  return (title, fn) => (engines.includes(engine) ? it.skip(`${title} [skipped in ${engine}: ${reason}]`, fn) : it(title, fn));
}
