// The bench's HTTP/2 front for the backend: TLS on 127.0.0.1 with a self-signed certificate made
// by the `openssl` CLI at start (Chromium is launched with --ignore-certificate-errors), every
// request held `ms` (CORS preflights too), then forwarded over kept-alive HTTP/1.1 connections to
// the backend and its answer streamed back. Browsers speak HTTP/2 only over TLS; over one HTTP/2
// connection a page has no 6-per-host limit on the exchanges in flight.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Agent, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface H2Front {
  /** `https://127.0.0.1:<port>`, no trailing slash; paths go to the backend unchanged. */
  url: string;
  /** CORS preflights it passed on. */
  preflights(): number;
  /** Requests it took, by HTTP version ('2.0'; '1.1' only if a client would not speak HTTP/2). */
  versions(): Record<string, number>;
  close(): Promise<void>;
}

// Connection-specific headers: HTTP/2 forbids them (Node refuses to send them), and they describe
// the hop to the backend, not the browser's.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'http2-settings']);

/** A key and a self-signed certificate for 127.0.0.1, written into `dir`. */
async function selfSignedCertificate(dir: string): Promise<{ key: Buffer; cert: Buffer }> {
  const [keyPath, certPath] = [join(dir, 'h2-front.key'), join(dir, 'h2-front.crt')];
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath,
  ]);
  return { key: await readFile(keyPath), cert: await readFile(certPath) };
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    // `:method`, `:path` and the other pseudo-headers are HTTP/2's own.
    if (!name.startsWith(':') && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

/** Starts the front on a free 127.0.0.1 port before `backend` (an http:// origin); the certificate goes into `dir`. */
export async function startH2Front(backend: string, ms: number, dir: string): Promise<H2Front> {
  const target = new URL(backend);
  // HTTP/2 lets the browser send many requests at once; each takes a kept-alive connection of its own.
  const agent = new Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const versions: Record<string, number> = {};
  let preflights = 0;

  function forward(req: Http2ServerRequest, res: Http2ServerResponse): void {
    const upstream = request({
      agent,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...withoutHopByHop(req.headers), host: target.host },
    });
    upstream.on('response', (answered) => {
      answered.on('error', () => res.destroy());
      if (res.destroyed) return void answered.resume();
      res.writeHead(answered.statusCode ?? 502, withoutHopByHop(answered.headers));
      answered.pipe(res);
    });
    upstream.on('error', () => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' }).end('h2 front: the backend did not answer');
    });
    // The browser went away (an abort): so does the request to the backend.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  const server = createSecureServer({ ...(await selfSignedCertificate(dir)), allowHTTP1: true }, (req, res) => {
    req.on('error', () => {});
    res.on('error', () => {});
    versions[req.httpVersion] = (versions[req.httpVersion] ?? 0) + 1;
    if (req.method === 'OPTIONS') preflights++;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!req.destroyed) forward(req, res);
    }, ms);
    timers.add(timer);
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    preflights: () => preflights,
    versions: () => ({ ...versions }),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      await closed;
    },
  };
}
