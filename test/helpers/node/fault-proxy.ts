// A small HTTP proxy the end-to-end tests put in front of the storage to inject the faults a real
// network and a real S3 produce: 503 SlowDown, a connection dropped mid-body, a connection that
// stops moving, latency, and a random mix of them. Its counters prove what reached storage.
//
//   POST ${proxy}/fault/<scenario>/<token>/<bucket>  ->  POST ${storage}/<bucket>
//   GET  ${proxy}/counters?token=<token>             ->  that token's counters (JSON, CORS)
//   GET  ${proxy}/counters                           ->  every token's counters
//
// A presigned POST's signature covers the policy, not the URL, so storage takes the forwarded
// form as if the browser had posted it directly. Scenarios hit the first N uploads (POSTs) of a
// token, then forward normally; CORS preflights are always forwarded and counted apart:
//   slowdown-N  drain the body, answer S3's 503 SlowDown (with CORS headers)
//   drop-N      read about half of the body, then destroy the socket (a network error)
//   drop-N-MS   the same, but hold the connection MS ms before dropping it (a signature can
//               run out meanwhile)
//   stall-N     read a little of the body, then stop reading and never answer
//   delay-MS    delay every request, preflights too, by MS, then forward
//   latency-MS  the same, on kept-alive connections: a slow link, not a fault (the bench's latency knob)
//   random-P[-SEED]  each upload: with probability P % a slowdown or a drop, else forward;
//               seeded by SEED, or by the token, so a run repeats
//   none        forward everything
// Injected faults never reach storage. Every answer but latency-MS's says `Connection: close`: Chromium
// silently resends a request that failed on a reused keep-alive socket, which would hide a drop from the page.
import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type FaultKind = 'slowdown' | 'drop' | 'stall';

export interface TokenCounters {
  /** Uploads (non-OPTIONS requests) seen for the token. */
  requests: number;
  /** CORS preflights seen (always forwarded, never faulted, not in `requests`). */
  preflights: number;
  /** Uploads answered by the proxy with a fault instead of storage. */
  faults: number;
  injected: Record<FaultKind, number>;
  /** Uploads passed on to storage. */
  forwarded: number;
  /** Forwarded uploads that storage answered with a 2xx: objects stored. */
  stored: number;
  /** Storage's status for each forwarded upload, in order of answer. */
  answers: number[];
  /** Stored uploads per object key (the form's `key`, `${filename}` substituted; for a PUT its path, and `#part` for a multipart part). */
  storedKeys: Record<string, number>;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  counters(token: string): TokenCounters;
  close(): Promise<void>;
}

// The storage's CORS headers, on the proxy's own answers too. Forwarded answers keep all of storage's
// headers but the connection's own (Timing-Allow-Origin included: the bench's phases need it).
const S3_CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, Location, x-amz-request-id',
  'Timing-Allow-Origin': '*',
};
const SLOWDOWN_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>' +
  '<RequestId>fault-proxy</RequestId></Error>';
// The form's fields come before the file and are small; the key is in there.
const HEAD_BYTES = 64 * 1024;

type Plan = { fault: FaultKind; hold?: number } | { delay: number } | 'forward';

interface Scenario {
  /** Decides what happens to the `n`th upload (1-based) of a token. */
  plan(n: number): Plan;
  /** Latency added to preflights too. */
  delay: number;
  /** Answers leave the connection open for the next request, as a browser's link to a server does. */
  keepAlive?: boolean;
}

function parseScenario(name: string, token: string): Scenario | undefined {
  if (name === 'none') return { plan: () => 'forward', delay: 0 };
  const match = /^(slowdown|drop|stall|delay|latency|random)-(\d+)(?:-(\d+))?$/.exec(name);
  if (!match) return undefined;
  const [, kind, number, extra] = match;
  const n = Number(number);
  if (kind === 'delay' || kind === 'latency') return { plan: () => ({ delay: n }), delay: n, keepAlive: kind === 'latency' };
  if (kind === 'random') {
    const random = mulberry32(extra === undefined ? hash(token) : Number(extra));
    return {
      plan: () => {
        if (random() * 100 >= n) return 'forward';
        return { fault: random() < 0.5 ? 'slowdown' : 'drop' };
      },
      delay: 0,
    };
  }
  const fault = kind as FaultKind;
  if (extra !== undefined && fault !== 'drop') return undefined;
  const hold = extra === undefined ? undefined : Number(extra);
  return { plan: (index) => (index <= n ? { fault, hold } : 'forward'), delay: 0 };
}

/** A small seedable PRNG (mulberry32): the same seed gives the same faults. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function emptyCounters(): TokenCounters {
  return {
    requests: 0,
    preflights: 0,
    faults: 0,
    injected: { slowdown: 0, drop: 0, stall: 0 },
    forwarded: 0,
    stored: 0,
    answers: [],
    storedKeys: {},
  };
}

/** The object key a multipart form names: its `key` field, with `${filename}` as S3 fills it. */
function formKey(head: Buffer): string | undefined {
  const text = head.toString('latin1');
  const key = /content-disposition:\s*form-data;\s*name="key"\r\n(?:[^\r\n]+\r\n)*\r\n([^\r\n]*)\r\n/i.exec(text)?.[1];
  if (key === undefined) return undefined;
  const filename = /content-disposition:\s*form-data;\s*name="[^"]*";\s*filename="([^"]*)"/i.exec(text)?.[1] ?? '';
  const utf8 = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8');
  return utf8(key).replaceAll('${filename}', utf8(filename));
}

/**
 * Starts the proxy on a free 127.0.0.1 port in front of `storage` (an origin such as
 * `http://127.0.0.1:7480`; requests go to the same path minus `/fault/<scenario>/<token>`).
 */
export async function startFaultProxy(storage: string): Promise<FaultProxy> {
  const target = new URL(storage);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const tokens = new Map<string, { counters: TokenCounters; scenario: Scenario }>();
  // Sockets the proxy holds open on purpose (stalls, delays): closed with the proxy.
  const held = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const counters = (token: string) => tokens.get(token)?.counters ?? emptyCounters();

  function answer(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { ...headers, Connection: 'close', 'Content-Length': Buffer.byteLength(body) }).end(body);
  }

  function injectFault({ fault: kind, hold = 0 }: { fault: FaultKind; hold?: number }, req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    if (kind === 'slowdown') {
      req.on('end', () => answer(res, 503, { ...S3_CORS, 'Content-Type': 'application/xml' }, SLOWDOWN_XML));
      req.resume();
      return;
    }
    const length = Number(req.headers['content-length']) || 0;
    // drop: about half; stall: a little, so the browser has started and then sees nothing move.
    const cut = kind === 'drop' ? Math.max(1, Math.floor(length / 2)) : Math.min(64 * 1024, Math.max(1, Math.floor(length / 4)));
    const act = () => {
      if (kind === 'drop' && hold > 0) {
        req.pause();
        held.add(socket);
        const timer = setTimeout(() => {
          timers.delete(timer);
          held.delete(socket);
          socket.destroy();
        }, hold);
        timers.add(timer);
        return;
      }
      if (kind === 'drop') return void socket.destroy();
      // Stall: read no more and never answer, until the browser gives up (or the proxy closes).
      req.pause();
      held.add(socket);
      socket.once('close', () => held.delete(socket));
    };
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received < cut) return;
      req.off('data', onData);
      req.off('end', act);
      act();
    };
    req.on('data', onData);
    // A body shorter than the cut (or none): act at its end.
    req.on('end', act);
  }

  function forward(req: IncomingMessage, res: ServerResponse, path: string, token: string, upload: boolean): void {
    const entry = tokens.get(token)!;
    const head: Buffer[] = [];
    let headBytes = 0;
    if (upload) {
      entry.counters.forwarded++;
      req.on('data', (chunk: Buffer) => {
        if (headBytes >= HEAD_BYTES) return;
        head.push(chunk.subarray(0, HEAD_BYTES - headBytes));
        headBytes += Math.min(chunk.length, HEAD_BYTES - headBytes);
      });
    }
    const headers: OutgoingHttpHeaders = { ...req.headers, host: target.host };
    delete headers.connection;
    delete headers['keep-alive'];
    const upstream = send({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path,
      headers,
    });
    upstream.on('response', (answered) => {
      const status = answered.statusCode ?? 502;
      if (upload) {
        entry.counters.answers.push(status);
        if (status >= 200 && status < 300) {
          entry.counters.stored++;
          // A PUT names its object (and a multipart part) in the URL; a POST in the form.
          const key = req.method === 'PUT' ? putTarget(path) : (formKey(Buffer.concat(head)) ?? '(no key field)');
          entry.counters.storedKeys[key] = (entry.counters.storedKeys[key] ?? 0) + 1;
        }
      }
      const back: OutgoingHttpHeaders = { ...answered.headers };
      delete back.connection;
      delete back['keep-alive'];
      if (!entry.scenario.keepAlive) back.connection = 'close';
      answered.on('error', () => res.destroy());
      if (res.destroyed) return void answered.resume();
      res.writeHead(status, back);
      answered.pipe(res);
    });
    upstream.on('error', () => {
      if (res.headersSent) res.destroy();
      else answer(res, 502, { ...S3_CORS, 'Content-Type': 'text/plain' }, 'fault proxy: storage did not answer');
    });
    // The browser went away (an abort, a stall timeout): so does the request to storage.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (url.pathname === '/counters') {
      const token = url.searchParams.get('token');
      const all = () => Object.fromEntries([...tokens].map(([name, t]) => [name, t.counters]));
      const body = JSON.stringify(token === null ? all() : counters(token));
      const headers = { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
      return answer(res, 200, headers, body);
    }
    const match = /^\/fault\/([^/]+)\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (!match) return answer(res, 404, { ...S3_CORS, 'Content-Type': 'text/plain' }, 'fault proxy: use /fault/<scenario>/<token>/<path>');
    const [, name, token, rest] = match as unknown as [string, string, string, string];
    let entry = tokens.get(token);
    if (!entry) {
      const scenario = parseScenario(name, token);
      if (!scenario) return answer(res, 400, { ...S3_CORS, 'Content-Type': 'text/plain' }, `fault proxy: unknown scenario "${name}"`);
      entry = { counters: emptyCounters(), scenario };
      tokens.set(token, entry);
    }
    const path = rest + url.search;
    const upload = req.method !== 'OPTIONS';
    let plan: Plan = 'forward';
    if (upload) {
      entry.counters.requests++;
      plan = entry.scenario.plan(entry.counters.requests);
    } else {
      entry.counters.preflights++;
      if (entry.scenario.delay > 0) plan = { delay: entry.scenario.delay };
    }
    if (plan === 'forward') return forward(req, res, path, token, upload);
    if ('delay' in plan) {
      held.add(req.socket);
      const timer = setTimeout(() => {
        timers.delete(timer);
        held.delete(req.socket);
        if (!req.destroyed) forward(req, res, path, token, upload);
      }, plan.delay);
      timers.add(timer);
      return;
    }
    entry.counters.faults++;
    entry.counters.injected[plan.fault]++;
    injectFault(plan, req, res);
  }

  const server = createServer((req, res) => {
    // A client that goes away mid-request must never take the proxy down.
    req.on('error', () => {});
    res.on('error', () => {});
    try {
      route(req, res);
    } catch {
      res.destroy();
    }
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counters,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of held) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `/bucket/key#partNumber` of a presigned PUT's path and query (no `#` for a whole object). */
function putTarget(path: string): string {
  const url = new URL(path, 'http://storage');
  const part = url.searchParams.get('partNumber');
  return decodeURIComponent(url.pathname) + (part ? `#${part}` : '');
}
