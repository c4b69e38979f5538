// The bench's HTTP/2 front (bench/h2-front.ts), which `npm run bench -- --latency 50h2` puts before
// the backend: it speaks HTTP/2 over TLS with the certificate it made, holds each request (CORS
// preflights too) before forwarding it over HTTP/1.1, and answers with the backend's status, headers
// and body, less the connection's own headers, which HTTP/2 forbids.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect, type ClientHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startH2Front, type H2Front } from '../../bench/h2-front.ts';

const HOLD_MS = 40;
const upstream = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () =>
    res
      .writeHead(201, { 'Content-Type': 'application/json', 'Keep-Alive': 'timeout=5', 'Timing-Allow-Origin': '*' })
      .end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, body })),
  );
});
let dir: string;
let front: H2Front;
let client: ClientHttp2Session;

before(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  dir = await mkdtemp(join(tmpdir(), 'pu-h2-front-'));
  front = await startH2Front(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, HOLD_MS, dir);
  // The certificate is self-signed, as the bench's Chromium (--ignore-certificate-errors) takes it.
  client = connect(front.url, { rejectUnauthorized: false });
});

after(async () => {
  client.close();
  await front.close();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

function send(method: string, path: string, body?: string): Promise<{ headers: IncomingHttpHeaders; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const stream = client.request({ ':method': method, ':path': path, 'content-type': 'application/json' });
    let headers: IncomingHttpHeaders = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (answered) => (headers = answered));
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve({ headers, body: text, ms: performance.now() - started }));
    stream.on('error', reject);
    stream.end(body);
  });
}

describe('bench HTTP/2 front', () => {
  it('holds each request, preflights included, then answers with the backend answer over HTTP/2', async () => {
    const preflight = await send('OPTIONS', '/api/sign');
    const signed = await send('POST', '/api/sign?x=1', '{"filename":"a.txt"}');
    assert.equal(signed.headers[':status'], 201);
    assert.deepEqual(JSON.parse(signed.body), {
      method: 'POST',
      url: '/api/sign?x=1',
      host: new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`).host,
      body: '{"filename":"a.txt"}',
    });
    // Forwarded as is, but for the hop's own headers (Node refuses to send those over HTTP/2).
    assert.equal(signed.headers['timing-allow-origin'], '*');
    assert.equal(signed.headers['keep-alive'], undefined);
    // Held: no answer comes sooner (less a millisecond of timer rounding).
    for (const answer of [preflight, signed]) assert.ok(answer.ms >= HOLD_MS - 1, `answered after ${answer.ms} ms`);
    assert.equal(front.preflights(), 1);
    assert.deepEqual(front.versions(), { '2.0': 2 });
  });
});
