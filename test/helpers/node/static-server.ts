// A file server for pages that Chromium opens in tests and benchmarks: built examples, the bench page.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export interface StaticServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

/** Answers a request itself (true), or leaves it to the file server (false). */
export type Route = (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean;

/** A folder served at the root, with index.html for `/`; nothing outside it. */
export const folder = (dir: string) => (pathname: string) => {
  const file = normalize(join(dir, pathname === '/' ? 'index.html' : decodeURIComponent(pathname)));
  return file.startsWith(dir + sep) ? file : undefined;
};

/**
 * Serves on a free 127.0.0.1 port the files `fileFor` maps URL paths to (404 for the rest), never
 * cached, so each run sees the build it just made; `route` first answers what it claims.
 */
export async function startStaticServer(fileFor: (pathname: string) => string | undefined, route?: Route): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (route?.(req, res, pathname)) return;
    const file = fileFor(pathname);
    if (!file) return void res.writeHead(404).end();
    void stat(file).then(
      (info) => {
        // A folder is no file: reading it as one would fail after the 200 went out.
        if (!info.isFile()) return void res.writeHead(404).end();
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
