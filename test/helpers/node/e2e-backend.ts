// The backend the end-to-end tests talk to: real presigned POSTs, PUTs and multipart uploads from src/server against real
// storage (the embedded dev storage, or the S3 that S3_ENDPOINT names, e.g. radosgw in CI),
// with knobs in the query string to make storage refuse an upload in each way S3 can.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { s3ConfigFromEnv, startDemoBackend } from '../../../demo/backend/demo-backend.js';
import {
  createMultipartHandler,
  createRegisterHandler,
  createSignHandler,
  presignUpload,
  SignRefusal,
  toNodeListener,
  type SignOptions,
  type UploadRequest,
} from '../../../src/server/index.js';
import { jsonResponse as json } from '../../../src/server/json-response.js';
import { startFaultProxy } from './fault-proxy.js';
import { startTempDevStorage } from './temp-dev-storage.js';
import type { RunningTestServer } from './test-server.js';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
};

export interface TestStorage {
  endpoint: string;
  region: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  kind: string;
  close(): Promise<void>;
}

/**
 * S3_ENDPOINT and its credentials when set (CI's radosgw), else a dev storage in a temp folder.
 * Node tests pass a bucket of their own, so that they never share one with a browser run.
 */
export async function openStorage(bucket = process.env.S3_BUCKET ?? 'e2e'): Promise<TestStorage> {
  const region = process.env.S3_REGION ?? 'us-east-1';
  if (process.env.S3_ENDPOINT) {
    const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '' };
    return { endpoint: process.env.S3_ENDPOINT, region, bucket, credentials, kind: 's3', close: async () => {} };
  }
  const credentials = { accessKeyId: 'e2e-access', secretAccessKey: 'e2e-secret' };
  const storage = await startTempDevStorage('pu-e2e-', { ...credentials, region, buckets: [bucket] });
  return { endpoint: storage.url, region, bucket, credentials, kind: 'dev-storage', close: () => storage.close() };
}

/** A bucket that takes browser POSTs, PUTs and parts from the test page, ETag readable (real S3 needs the CORS rule). */
export async function prepareBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(String((error as Error).name))) throw error;
  }
  await client.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [
          { AllowedOrigins: ['*'], AllowedMethods: ['POST', 'GET', 'HEAD', 'PUT'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag', 'Location'] },
        ],
      },
    }),
  );
}

/** How many times each `token` signed (POST, PUT or a part): tests prove fresh signs with it. */
const signs = new Map<string, number>();
const countSign = (token: string) => {
  const count = (signs.get(token) ?? 0) + 1;
  signs.set(token, count);
  return count;
};
/** How many times each `token` called /register, failed calls included. */
const registers = new Map<string, number>();
/** Tokens whose register calls no longer fail, whatever their `fail` knob says. */
const healed = new Set<string>();

/**
 * POST /sign?status=200|201|204&key=unique|variable&min=&max=&tamper=1&extra=1&expire=once&lifetime=&hide-expiry=1&token=&proxy=
 * answers createPresignedPost's shape; each knob makes storage refuse the upload in one way.
 * `lifetime` is the policy's in seconds (300); `hide-expiry` leaves `expires` out of the answer.
 * `proxy=<scenario>` sends the upload through the fault proxy (test/helpers/node/fault-proxy.ts):
 * the answer's url becomes `${proxy}/fault/<scenario>/<token>/<bucket>`, so its counters are per token.
 */
function signHandler(storage: TestStorage, client: S3Client, proxyUrl: string) {
  return async (request: Request): Promise<Response> => {
    const query = new URL(request.url).searchParams;
    const count = countSign(query.get('token') ?? '');
    const expireNow = query.get('expire') === 'once' && count === 1;
    const options: SignOptions = {
      bucket: storage.bucket,
      client,
      keyPrefix: 'e2e/',
      minSize: Number(query.get('min') ?? 0),
      maxSize: Number(query.get('max') ?? 200 * 1024 * 1024),
      key: query.get('key') === 'variable' ? 'filename-variable' : 'unique-filename',
      successActionStatus: Number(query.get('status') ?? 201) as 200 | 201 | 204,
      expiresIn: expireNow ? 1 : Number(query.get('lifetime') ?? 300),
    };
    try {
      const upload = await presignUpload(options, (await request.json()) as UploadRequest);
      // Let the one-second policy run out before the browser gets it.
      if (expireNow) await new Promise((resolve) => setTimeout(resolve, 2100));
      const fields = { ...upload.fields };
      const url = viaProxy(upload.url, proxyUrl, query);
      if (query.get('tamper')) fields['X-Amz-Signature'] = fields['X-Amz-Signature']!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      if (query.get('extra')) fields['x-extra'] = 'not in the policy';
      return json(200, query.get('hide-expiry') ? { url, fields } : { url, fields, expires: upload.expires });
    } catch (error) {
      if (error instanceof SignRefusal) return json(error.status, { error: { code: error.code, message: error.message } });
      throw error;
    }
  };
}

/** `url` through the fault proxy when the query names a `proxy` scenario (its counters are per `token`). */
function viaProxy(url: string, proxyUrl: string, query: URLSearchParams): string {
  const scenario = query.get('proxy');
  if (!scenario) return url;
  const direct = new URL(url);
  const route = `/fault/${encodeURIComponent(scenario)}/${encodeURIComponent(query.get('token') || 'no-token')}`;
  return `${proxyUrl}${route}${direct.pathname}${direct.search}`;
}

/**
 * POST /register?fail=N&token=T answers 503 `Unavailable` for the first N register calls of token
 * T (until POST /heal?token=T), then registers for real. GET /registers counts calls per token.
 */
function registerHandler(storage: TestStorage, client: S3Client) {
  const register = createRegisterHandler({ bucket: storage.bucket, client, keyPrefix: 'e2e/' });
  return async (request: Request): Promise<Response> => {
    const query = new URL(request.url).searchParams;
    const token = query.get('token') ?? '';
    const count = (registers.get(token) ?? 0) + 1;
    registers.set(token, count);
    if (count <= Number(query.get('fail') ?? 0) && !healed.has(token)) {
      await request.arrayBuffer();
      return json(503, { error: { code: 'Unavailable', message: `Register is down (injected failure ${count}).` } });
    }
    return register(request);
  };
}

/** POST /object {key} answers the stored object's size, SHA-256 and Content-Type, read back from storage. */
function objectHandler(storage: TestStorage, client: S3Client) {
  return async (request: Request): Promise<Response> => {
    const { key } = (await request.json()) as { key: string };
    const object = await client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: key }));
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of object.Body as Readable) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return json(200, { size, sha256: hash.digest('hex'), contentType: object.ContentType });
  };
}

/** POST /object-bytes {key} answers the stored object itself, with the Content-Type storage gives it. */
function objectBytesHandler(storage: TestStorage, client: S3Client) {
  return async (request: Request): Promise<Response> => {
    const { key } = (await request.json()) as { key: string };
    const object = await client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: key }));
    const bytes = await object.Body!.transformToByteArray();
    return new Response(bytes, { headers: { 'Content-Type': object.ContentType ?? 'application/octet-stream' } });
  };
}

/** POST /delete {key} deletes a stored object where storage can: a big one would crowd radosgw's RAM-backed store. */
function deleteHandler(storage: TestStorage, client: S3Client) {
  return async (request: Request): Promise<Response> => {
    const { key } = (await request.json()) as { key: string };
    try {
      await client.send(new DeleteObjectCommand({ Bucket: storage.bucket, Key: key }));
    } catch (error) {
      // The dev storage deletes nothing (it writes to a temp folder): the object simply stays.
      if ((error as Error).name !== 'NotImplemented') throw error;
      return json(200, { deleted: false });
    }
    return json(200, { deleted: true });
  };
}

/**
 * POST /sign-put?max=&accept=&lifetime=&hide-expiry=1&proxy=&token= answers a presigned PUT
 * `{ url, method, headers, key, expires }`; `lifetime`, `hide-expiry` and `proxy` as for /sign.
 */
function signPutHandler(storage: TestStorage, client: S3Client, proxyUrl: string) {
  return async (request: Request): Promise<Response> => {
    const query = new URL(request.url).searchParams;
    const accept = query.get('accept') ?? undefined;
    const maxSize = Number(query.get('max') ?? 200 * 1024 * 1024);
    const expiresIn = Number(query.get('lifetime') ?? 300);
    countSign(query.get('token') ?? '');
    const response = await createSignHandler({ bucket: storage.bucket, client, keyPrefix: 'e2e/', method: 'PUT', maxSize, expiresIn, ...(accept && { accept }) })(request);
    return response.ok ? json(response.status, signedUrlAnswer((await response.json()) as SignedUrlAnswer, proxyUrl, query)) : response;
  };
}

interface SignedUrlAnswer {
  url?: string;
  expires?: string;
}

/** A PUT or sign-part answer as the query asks: its url through the proxy, its expires hidden. */
function signedUrlAnswer(answer: SignedUrlAnswer, proxyUrl: string, query: URLSearchParams): SignedUrlAnswer {
  const { expires, ...rest } = answer;
  const shown = query.get('hide-expiry') ? rest : answer;
  return answer.url ? { ...shown, url: viaProxy(answer.url, proxyUrl, query) } : shown;
}

/**
 * POST /multipart?max=&accept=&lifetime=&hide-expiry=1&proxy=&token= is createMultipartHandler under the
 * same prefix as /sign and /register; part URLs live `lifetime` seconds, and `hide-expiry`,
 * `proxy` and the sign count apply to sign-part answers as /sign-put's.
 */
function multipartHandler(storage: TestStorage, client: S3Client, proxyUrl: string) {
  return async (request: Request): Promise<Response> => {
    const query = new URL(request.url).searchParams;
    const accept = query.get('accept') ?? undefined;
    const maxSize = Number(query.get('max') ?? 2 * 1024 ** 3);
    const expiresIn = Number(query.get('lifetime') ?? 300);
    const response = await createMultipartHandler({ bucket: storage.bucket, client, keyPrefix: 'e2e/', maxSize, expiresIn, ...(accept && { accept }) })(request);
    if (!response.ok) return response;
    const answer = (await response.json()) as SignedUrlAnswer;
    // Only a sign-part answer has a url.
    if (!answer.url) return json(response.status, answer);
    countSign(query.get('token') ?? '');
    return json(response.status, signedUrlAnswer(answer, proxyUrl, query));
  };
}

export async function startE2eBackend(): Promise<RunningTestServer> {
  const storage = await openStorage();
  const client = new S3Client({
    endpoint: storage.endpoint,
    region: storage.region,
    credentials: storage.credentials,
    forcePathStyle: true,
  });
  await prepareBucket(client, storage.bucket);
  const proxy = await startFaultProxy(storage.endpoint);
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/sign': toNodeListener(signHandler(storage, client, proxy.url)),
    '/sign-put': toNodeListener(signPutHandler(storage, client, proxy.url)),
    '/multipart': toNodeListener(multipartHandler(storage, client, proxy.url)),
    '/delete': toNodeListener(deleteHandler(storage, client)),
    '/register': toNodeListener(registerHandler(storage, client)),
    '/object': toNodeListener(objectHandler(storage, client)),
    '/object-bytes': toNodeListener(objectBytesHandler(storage, client)),
    '/signs': (req, res) => res.end(JSON.stringify(Object.fromEntries(signs))),
    '/registers': (req, res) => res.end(JSON.stringify(Object.fromEntries(registers))),
    '/heal': (req, res) => {
      healed.add(new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '');
      res.writeHead(204).end();
    },
  };
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(CORS)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (!route) return void res.writeHead(404).end();
    route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: {
      E2E_API_URL: `http://127.0.0.1:${port}`,
      E2E_STORAGE_URL: storage.endpoint,
      E2E_STORAGE_KIND: storage.kind,
      FAULT_PROXY_URL: proxy.url,
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await proxy.close();
      client.destroy();
      await storage.close();
    },
  };
}

/**
 * The demo's own backend (plain, seed-000 and seed-003 routes) for the seed flows: on the S3 at
 * S3_ENDPOINT when set (its bucket made ready for browser POSTs), else on a fresh dev storage.
 */
export async function startE2eDemoBackend(): Promise<RunningTestServer> {
  const s3 = s3ConfigFromEnv();
  let dataDir: string | undefined;
  if (s3) {
    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, credentials: s3.credentials, forcePathStyle: true });
    await prepareBucket(client, s3.bucket);
    client.destroy();
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'pu-e2e-demo-'));
  }
  const backend = await startDemoBackend(s3 ? { s3 } : { dataDir });
  return {
    env: { DEMO_API_URL: backend.url },
    close: async () => {
      await backend.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
