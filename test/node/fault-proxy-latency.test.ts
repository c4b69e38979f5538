// The fault proxy's latency-MS scenario, which `npm run bench -- --latency` puts in front of the
// storage and the backend: every request, CORS preflights included, is held MS before it is
// forwarded, and connections stay open for the next request, as on a slow link (delay-MS closes
// them). Timers are mocked, so the hold is proven without timing anything.
import assert from 'node:assert/strict';
import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it, mock } from 'node:test';
import { startFaultProxy, type FaultProxy } from '../helpers/node/fault-proxy.js';

let upstreamUrl: string;
let seen: string[] = [];
const upstream = createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`);
  req.resume();
  req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': '*', 'Timing-Allow-Origin': '*' }).end('stored'));
});
let proxy: FaultProxy;

before(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  proxy = await startFaultProxy(upstreamUrl);
});

after(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
  // setImmediate stays real: the sockets' I/O runs between the steps below.
  mock.timers.enable({ apis: ['setTimeout'] });
});
afterEach(() => mock.timers.reset());

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (condition()) return;
    await turn();
  }
  assert.fail(`never happened: ${what}`);
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  reusedSocket: boolean;
}

function send(agent: Agent, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${proxy.url}${path}`, { method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? 'form' : undefined);
  });
}

/** Sends one request through `scenario` and proves it reached upstream only once `ms` had passed on the clock. */
async function heldFor(agent: Agent, scenario: string, token: string, ms: number, method: string, headers?: Record<string, string>): Promise<Answer> {
  const arrived = () => {
    const counters = proxy.counters(token);
    return counters.requests + counters.preflights;
  };
  const before = arrived();
  const answer = send(agent, method, `/fault/${scenario}/${token}/bucket`, headers);
  await until(() => arrived() > before, 'the proxy got the request');
  mock.timers.tick(ms - 1);
  for (let i = 0; i < 50; i++) await turn();
  assert.deepEqual(seen, [], `${method} held for less than ${ms} ms`);
  mock.timers.tick(1);
  const answered = await answer;
  assert.deepEqual(seen, [`${method} /bucket`]);
  seen = [];
  return answered;
}

describe('fault proxy: latency-MS', () => {
  it('holds every request, preflights included, then forwards it on a connection kept open', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const preflight = await heldFor(agent, 'latency-40', 'kept', 40, 'OPTIONS', {
        Origin: 'http://page.test',
        'Access-Control-Request-Method': 'POST',
      });
      assert.equal(preflight.status, 200);
      const first = await heldFor(agent, 'latency-40', 'kept', 40, 'POST');
      const second = await heldFor(agent, 'latency-40', 'kept', 40, 'POST');
      assert.equal(first.status, 200);
      // The bench's phases read the wait for a connection from Resource Timing, which needs this header.
      assert.equal(first.headers['timing-allow-origin'], '*');
      assert.notEqual(second.headers.connection, 'close');
      assert.equal(second.reusedSocket, true, 'the second upload reused the connection');
      assert.deepEqual(
        { requests: proxy.counters('kept').requests, preflights: proxy.counters('kept').preflights, stored: proxy.counters('kept').stored },
        { requests: 2, preflights: 1, stored: 2 },
      );
    } finally {
      agent.destroy();
    }
  });

  it('delay-MS holds requests the same way but closes each connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const answer = await heldFor(agent, 'delay-40', 'closed', 40, 'POST');
      assert.equal(answer.headers.connection, 'close');
    } finally {
      agent.destroy();
    }
  });
});
