// Type imports only: this module is re-exported by the package entry, which must also load
// in edge runtimes that have no node:http.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_JSON_BODY_BYTES, requestTooLarge } from './json-body.js';
import { errorResponse, internalError } from './json-response.js';

export interface NodeListenerOptions {
  /** Bytes of request body the handler may see; more is answered 413 at once. Default 64 KB (JSON bodies). */
  maxBodySize?: number;
}

type FetchHandler = (request: Request) => Promise<Response>;
type RequestBody = NonNullable<RequestInit['body']>;

/**
 * Runs a fetch handler behind node:http or Express: `http.createServer(toNodeListener(handler))`,
 * `app.post('/sign', toNodeListener(handler))`. The body is streamed to the handler and cut off
 * past `maxBodySize`, so a client cannot make the server buffer an upload meant for S3.
 */
export function toNodeListener(
  handler: FetchHandler,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.maxBodySize ?? MAX_JSON_BODY_BYTES;
  return (req, res) => {
    serve(handler, limit, req, res).catch((error: unknown) => {
      // Only writing the answer can fail here, once headers are out: all that is left is to drop the connection.
      console.error('presigned-uploader/server: node listener:', error);
      res.destroy();
    });
  };
}

async function serve(handler: FetchHandler, limit: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const aborted = new AbortController();
  // The client went away before the answer was written: let the handler stop its work.
  res.once('close', () => {
    if (!res.writableFinished) aborted.abort();
  });

  const tooLarge = () => refuse(req, res, requestTooLarge(limit));
  if (Number(req.headers['content-length']) > limit) return tooLarge();

  let request: Request;
  try {
    request = toRequest(req, requestBody(req, limit, tooLarge), aborted.signal);
  } catch {
    return refuse(req, res, errorResponse(400, 'InvalidRequest', 'The request line or headers are malformed.'));
  }

  let response: Response;
  try {
    response = await handler(request);
  } catch (error) {
    // After a 413 mid-body or a client that left, a handler failing on its cut-off body is expected.
    if (answered(res)) return;
    response = internalError('handler', error);
  }
  if (answered(res)) {
    // The handler's answer has nowhere to go.
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  await writeResponse(req, res, response);
}

function answered(res: ServerResponse): boolean {
  return res.headersSent || res.destroyed;
}

/** A fetch Request for the same method, URL, headers and (streamed) body. */
function toRequest(req: IncomingMessage, body: RequestBody | null, signal: AbortSignal): Request {
  // Express strips the mount path from `url`; `originalUrl` is what the client asked for.
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  let url: URL;
  try {
    url = new URL(path, `${protocol}://${req.headers.host ?? 'localhost'}`);
  } catch {
    url = new URL(path, `${protocol}://localhost`);
  }
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    // HTTP/2 pseudo-headers (:path, :authority) are not headers of a fetch Request.
    if (name.startsWith(':')) continue;
    headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? 'GET';
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
  if (method !== 'GET' && method !== 'HEAD' && body !== null) {
    init.body = body;
    init.duplex = 'half'; // required by fetch for a streamed body
  }
  return new Request(url, init);
}

/**
 * The request body as a web stream that reads from `req` only when the handler pulls
 * (backpressure), and that errors and calls `tooLarge` past `limit` bytes. When a body parser
 * such as express.json() already read the stream, its result is passed on instead.
 */
function requestBody(req: IncomingMessage, limit: number, tooLarge: () => void): RequestBody | null {
  const parsed = (req as { body?: unknown }).body;
  if (req.readableEnded && parsed !== undefined) {
    if (typeof parsed === 'string') return parsed;
    if (parsed instanceof Uint8Array) return new Uint8Array(parsed); // express.raw() gives a Buffer
    return JSON.stringify(parsed);
  }
  if (req.readableEnded) return null;

  let size = 0;
  let settled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.pause();
      req.on('data', (chunk: Uint8Array) => {
        if (settled) return;
        size += chunk.byteLength;
        if (size > limit) {
          settled = true;
          controller.error(new RangeError(`request body over ${limit} bytes`));
          tooLarge();
          return;
        }
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once('end', () => {
        if (settled) return;
        settled = true;
        controller.close();
      });
      req.once('error', (error: Error) => {
        if (settled) return;
        settled = true;
        controller.error(error);
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      // The handler wants no more: discard the rest so that the connection can still answer.
      settled = true;
      req.resume();
    },
  });
}

/** Answers before the body is read to the end (413, 400). */
async function refuse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  if (res.headersSent) return;
  // Discard what the client still sends, so it gets to read this answer instead of a reset;
  // `Connection: close` keeps it from sending another request on this connection.
  req.removeAllListeners('data');
  req.resume();
  response.headers.set('Connection', 'close');
  await writeResponse(req, res, response);
}

/** Writes a fetch Response to a ServerResponse, respecting backpressure. */
async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  // Headers.forEach joins Set-Cookie headers with commas, which breaks them.
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);

  if (!response.body || req.method === 'HEAD') {
    await response.body?.cancel();
    res.end();
    return;
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (res.destroyed) {
      await reader.cancel();
      return;
    }
    if (!res.write(value)) await drained(res);
  }
  res.end();
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
