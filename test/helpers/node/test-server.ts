// The contract between web-test-runner.config.mjs and the servers it starts
// for browser tests (see `servers` there).

/** A server that is up. */
export interface RunningTestServer {
  /**
   * Values browser tests read from `/__test-env.json` (test/helpers/test-env.ts),
   * e.g. `{ STORAGE_URL: 'http://127.0.0.1:7480/' }`. Keys must be unique across servers.
   * Every value that is an http(s) URL is also let through msw (test/helpers/msw.ts).
   */
  env: Record<string, string>;
  /** Stops it; called once, when the test run ends. */
  close(): Promise<void> | void;
}

/** An entry of `servers` in web-test-runner.config.mjs. */
export interface TestServer {
  /** For log lines and error messages. */
  name: string;
  /** Called once before any test file loads; the run fails if it throws. */
  start(): Promise<RunningTestServer>;
}
