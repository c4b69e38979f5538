// The test harness itself: msw intercepts, and the servers' env reaches the page.
import { expect } from '@open-wc/testing';
import { http, HttpResponse, worker } from '../helpers/msw.js';
import { testEnv } from '../helpers/test-env.js';

describe('test infrastructure', () => {
  it('msw answers a fetch from the page', async () => {
    worker.use(http.get('/api/x', () => HttpResponse.json({ mocked: true })));

    const response = await fetch('/api/x');

    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ mocked: true });
  });

  it('msw fails a request that no handler covers', async () => {
    // The handler from the previous test was reset, so this is unhandled now.
    let failure: unknown;
    try {
      await fetch('/api/x');
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(TypeError);
  });

  it('serves the env of the test servers', async () => {
    const env = await testEnv();

    expect(env.UPLOAD_SINK_URL).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});
