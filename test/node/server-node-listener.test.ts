// toNodeListener: fetch handlers behind node:http (and Express-style pre-parsed bodies).
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createSignHandler, toNodeListener, type PresignedUpload } from '../../src/server/index.js';
import { withLoggedErrors } from '../helpers/node/logged-errors.js';

type ErrorBody = { error: { code: string; message: string } };

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(listener: Listener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A raw request with full control over the body's framing (fetch always sets Content-Length for strings). */
function rawPost(url: string, chunks: Buffer[], headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const credentials = { accessKeyId: 'test-access', secretAccessKey: 'test-secret-0123456789' };
const signOptions = { bucket: 'b', endpoint: 'http://127.0.0.1:9', credentials, maxSize: 1000 };

describe('toNodeListener', () => {
  let seen: Request[] = [];
  let echo: { server: Server; url: string };
  let signing: { server: Server; url: string };

  before(async () => {
    // Reports what the handler saw: method, URL, a header, the body, and sets two cookies.
    echo = await listen(
      toNodeListener(async (request) => {
        seen.push(request);
        const body = request.method === 'GET' ? '' : await request.text();
        const headers = new Headers({ 'Content-Type': 'application/json', 'X-Echo': 'yes' });
        headers.append('Set-Cookie', 'a=1; Path=/');
        headers.append('Set-Cookie', 'b=2, still b; Path=/');
        return new Response(JSON.stringify({ method: request.method, url: request.url, auth: request.headers.get('authorization'), body }), {
          status: 207,
          headers,
        });
      }),
    );
    signing = await listen(toNodeListener(createSignHandler(signOptions)));
  });
  after(async () => {
    await close(echo.server);
    await close(signing.server);
  });

  it('hands the handler the method, URL, headers and body, and writes status, headers and body back', async () => {
    seen = [];
    const response = await fetch(`${echo.url}/api/sign?x=1`, {
      method: 'POST',
      headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    assert.equal(response.status, 207);
    assert.equal(response.headers.get('x-echo'), 'yes');
    assert.deepEqual(response.headers.getSetCookie(), ['a=1; Path=/', 'b=2, still b; Path=/']);
    assert.deepEqual(await response.json(), { method: 'POST', url: `${echo.url}/api/sign?x=1`, auth: 'Bearer t', body: '{"a":1}' });
  });

  it('runs the sign handler: 200 with a presigned POST, 400 and 405 as JSON', async () => {
    const json = { 'Content-Type': 'application/json' };
    const ok = await fetch(signing.url, { method: 'POST', headers: json, body: JSON.stringify({ filename: 'a.txt', contentType: 'text/plain', size: 3 }) });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    const plan = (await ok.json()) as PresignedUpload;
    assert.ok(plan.fields.Policy && plan.key);

    const bad = await fetch(signing.url, { method: 'POST', headers: json, body: '{"filename":' });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as ErrorBody).error.code, 'InvalidRequest');

    const get = await fetch(signing.url);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });

  it('answers 413 for a declared body over 64 KB without calling the handler', async () => {
    seen = [];
    const response = await fetch(echo.url, { method: 'POST', body: 'x'.repeat(64 * 1024 + 1) });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as ErrorBody).error.code, 'RequestTooLarge');
    assert.equal(seen.length, 0);
  });

  it('answers 413 for a chunked body that grows past 64 KB', async () => {
    seen = [];
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const response = await rawPost(echo.url, [chunk, chunk, chunk, chunk, chunk], { 'Content-Type': 'application/json' });
    assert.equal(response.status, 413);
    assert.equal(response.headers.connection, 'close');
    assert.equal(JSON.parse(response.body).error.code, 'RequestTooLarge');
  });

  it('lets exactly 64 KB through, chunked or not', async () => {
    const body = Buffer.alloc(64 * 1024, 'y');
    const declared = await fetch(echo.url, { method: 'POST', body });
    assert.equal(declared.status, 207);
    assert.equal(((await declared.json()) as { body: string }).body.length, 64 * 1024);
    const chunked = await rawPost(echo.url, [body.subarray(0, 1000), body.subarray(1000)], {});
    assert.equal(chunked.status, 207);
    assert.equal(JSON.parse(chunked.body).body.length, 64 * 1024);
  });

  it('takes a smaller cap as an option', async () => {
    const small = await listen(toNodeListener(async (request) => new Response(await request.text()), { maxBodySize: 10 }));
    try {
      assert.equal((await fetch(small.url, { method: 'POST', body: '0123456789' })).status, 200);
      assert.equal((await fetch(small.url, { method: 'POST', body: '0123456789!' })).status, 413);
    } finally {
      await close(small.server);
    }
  });

  it('answers 500 JSON when the handler throws', async () => {
    const failing = await listen(
      toNodeListener(async () => {
        throw new Error('boom-internal');
      }),
    );
    try {
      const { result: text, logged } = await withLoggedErrors(async () => {
        const response = await fetch(failing.url, { method: 'POST', body: '{}' });
        assert.equal(response.status, 500);
        return response.text();
      });
      assert.doesNotMatch(text, /boom-internal/);
      assert.equal(JSON.parse(text).error.code, 'InternalError');
      assert.equal(logged.length, 1, 'the cause goes to the server log');
    } finally {
      await close(failing.server);
    }
  });

  it('passes on a body that an Express-style parser already read', async () => {
    const handler = toNodeListener(async (request) => new Response(await request.text()));
    const parsed = await listen((req, res) => {
      // What express.json() does: read the stream to the end, then set req.body.
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => {
        (req as IncomingMessage & { body?: unknown }).body = JSON.parse(text);
        handler(req, res);
      });
    });
    try {
      const response = await fetch(parsed.url, { method: 'POST', body: '{"filename":"a.txt"}' });
      assert.equal(await response.text(), '{"filename":"a.txt"}');
    } finally {
      await close(parsed.server);
    }
  });

  it('uses Express originalUrl when the router stripped a mount path', async () => {
    let url = '';
    const handler = toNodeListener(async (request) => {
      url = request.url;
      return new Response(null, { status: 204 });
    });
    const mounted = await listen((req, res) => {
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      req.url = '/';
      handler(req, res);
    });
    try {
      assert.equal((await fetch(`${mounted.url}/api/sign`, { method: 'POST', body: '{}' })).status, 204);
      assert.equal(url, `${mounted.url}/api/sign`);
    } finally {
      await close(mounted.server);
    }
  });
});
