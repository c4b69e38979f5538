// The backend `npm start` runs behind Vite's /api proxy, built on the package's server helpers,
// and the one browser end-to-end tests start on a random port and call cross-origin.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMultipartHandler, createRegisterHandler, createSignHandler, toNodeListener } from '../../src/server/index.js';
import { openDemoStorage, type DemoStorage, type OpenStorageOptions } from './demo-storage.js';
import { listObjectsHandler, objectContentHandler, objectLinker } from './object-routes.js';
import { demoUser, userFolder } from './demo-users.js';
import { createRouter } from './router.js';
import { personFileHandler, uploadPersonFileHandler } from './seed000-routes.js';
import { createSeed003Handlers } from './seed003-routes.js';

export { s3ConfigFromEnv, DEV_STORAGE, type S3Config } from './storage-config.js';

export interface DemoBackendOptions extends OpenStorageOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Origin that links to GET /api/objects/content start with (for a private bucket; the dev
   * storage's objects are linked directly). '' gives links relative to the page, which suits a
   * page served behind a proxy of /api. Default: this backend's own URL.
   */
  linkBase?: string;
}

export interface DemoBackend {
  /** http://HOST:PORT, without a trailing slash; the routes are under /api. */
  url: string;
  storage: Omit<DemoStorage, 'client' | 'signer' | 'close'>;
  /** Stops the backend, and the dev storage when it started one. */
  close(): Promise<void>;
}

/** One POST or PUT; S3 takes at most 5 GiB in a single request. */
const MAX_SIZE = 2 * 1024 ** 3;
/** Multipart lifts the single-request limit: part count, not this, is what bounds a browser upload. */
const MAX_MULTIPART_SIZE = 50 * 1024 ** 3;

/** Starts the storage (unless `s3` names one) and the backend with every demo route. */
export async function startDemoBackend(options: DemoBackendOptions = {}): Promise<DemoBackend> {
  const storage = await openDemoStorage(options);
  let url = '';
  const link = objectLinker(storage, () => options.linkBase ?? url);
  // Each user signs, registers and completes only in their own folder: the sign handlers write
  // keys there, the register and multipart handlers accept no others.
  const where = { bucket: storage.bucket, client: storage.client, authorize: demoUser, keyPrefix: userFolder };
  // Sign answers may point at another storage URL than the one the backend checks (bench latency proxy).
  const signing = { ...where, client: storage.signer };
  const seed003 = createSeed003Handlers(storage);

  // The plain set-up POSTs through /api/sign; the R2-like one (storage without POST policies) only
  // PUTs: /api/sign-put for one request, /api/multipart for parts. All register through /api/register.
  const router = createRouter({
    'POST /api/sign': createSignHandler({ ...signing, maxSize: MAX_SIZE }),
    'POST /api/sign-put': createSignHandler({ ...signing, method: 'PUT', maxSize: MAX_SIZE }),
    'POST /api/multipart': createMultipartHandler({ ...where, maxSize: MAX_MULTIPART_SIZE }),
    'POST /api/register': createRegisterHandler({
      ...where,
      // The record a real app would store; its url is one the browser can open.
      onRegister: (object) => ({ ...object, url: link(object.key) }),
    }),
    'POST /api/seed000/upload_person_file': uploadPersonFileHandler(storage),
    'POST /api/seed000/person_file': personFileHandler(storage, link),
    'POST /api/seed003/task/form/file/create': seed003.create,
    'POST /api/seed003/task/form/submit': seed003.submit,
    'GET /api/objects': listObjectsHandler(storage, link),
    'GET /api/objects/content': objectContentHandler(storage),
  });

  const server = createServer(toNodeListener(router));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await storage.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}`;

  const { client: _client, signer: _signer, close: closeStorage, ...described } = storage;
  return {
    url,
    storage: described,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeStorage();
    },
  };
}
