// A stand-in upload target for browser tests that need a real network peer
// (XHR upload progress cannot be observed through msw's service worker).
// It accepts any POST, reads the body to the end and answers 204 with CORS. `?rate=N` reads at
// most N bytes per second: on loopback a browser sends 64 MB in a few frames and reports
// upload progress only at the end, so tests of what progress shows need a slower peer.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningTestServer } from './test-server.js';

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Expose-Headers': 'X-Received-Bytes',
  'Access-Control-Max-Age': '600',
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS_HEADERS).end();
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { ...CORS_HEADERS, Allow: 'POST, OPTIONS' }).end();
    return;
  }
  let received = 0;
  const rate = Number(new URL(req.url ?? '/', 'http://sink').searchParams.get('rate')) || 0;
  const started = Date.now();
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    const ahead = rate > 0 ? (received / rate) * 1000 - (Date.now() - started) : 0;
    if (ahead > 0) {
      req.pause();
      setTimeout(() => req.resume(), ahead);
    }
  });
  req.on('end', () => {
    res.writeHead(204, { ...CORS_HEADERS, 'X-Received-Bytes': String(received) }).end();
  });
  req.on('error', () => res.destroy());
}

/** Starts the sink on a free 127.0.0.1 port; env: `UPLOAD_SINK_URL` (ends with `/`). */
export async function startUploadSink(): Promise<RunningTestServer> {
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    env: { UPLOAD_SINK_URL: `http://127.0.0.1:${port}/` },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
