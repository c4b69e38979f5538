import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Answer } from './answer.js';
import { answerPreflight, setCorsHeaders } from './cors.js';
import { MultipartStore } from './multipart-store.js';
import { isValidBucketName, ObjectStore } from './object-store.js';
import { answerObjectWrite, isObjectWrite } from './object-writes.js';
import { ClientGone } from './post-form.js';
import { receivePostUpload } from './post-upload.js';
import { verifyRequestSignature } from './request-auth.js';
import { serveListing, serveObject } from './read-handlers.js';
import { encodeKeyPath, parseRequestTarget } from './request-target.js';
import { notImplemented, S3Error } from './s3-error.js';
import { errorXml, locationConstraintXml } from './s3-xml.js';

export interface DevStorageOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: uploads are unauthenticated to read, so the storage stays off the network unless asked. */
  host?: string;
  /** Buckets are folders in it; created when missing. */
  dataDir: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Default us-east-1: POST policies must be signed for this region. */
  region?: string;
  /** Created at start when missing. */
  buckets?: string[];
}

export interface DevStorage {
  /** `http://127.0.0.1:PORT`, no trailing slash: the S3 endpoint, path-style. */
  url: string;
  port: number;
  /** Stops listening, drops open connections and waits until in-flight uploads have cleaned up. */
  close(): Promise<void>;
}

// Query parameters that name an S3 sub-resource. Only PUT ?cors, GET ?location and the multipart
// calls (?uploads, ?uploadId on an object) are answered; answering the others with an object or
// a listing would look like success to a client.
const SUBRESOURCES = [
  'accelerate', 'acl', 'analytics', 'attributes', 'cors', 'delete', 'encryption', 'intelligent-tiering', 'inventory',
  'legal-hold', 'lifecycle', 'location', 'logging', 'metrics', 'notification', 'object-lock', 'ownershipControls',
  'policy', 'publicAccessBlock', 'replication', 'requestPayment', 'restore', 'retention', 'select', 'tagging',
  'torrent', 'uploadId', 'uploads', 'versioning', 'versions', 'website',
];

/**
 * An S3 stand-in for development and tests: browser POST uploads verified like S3 (SigV4
 * policy, conditions, size range), signed or presigned PutObject and multipart uploads, objects
 * on disk, GET/HEAD/ListObjectsV2 for the AWS SDK, and an allow-all CORS rule.
 */
export async function startDevStorage(options: DevStorageOptions): Promise<DevStorage> {
  const { port = 0, host = '127.0.0.1', dataDir, accessKeyId, secretAccessKey, region = 'us-east-1', buckets = [] } = options;
  if (!dataDir) throw new TypeError('startDevStorage: `dataDir` is required.');
  if (!accessKeyId || !secretAccessKey) throw new TypeError('startDevStorage: `accessKeyId` and `secretAccessKey` are required.');
  const invalid = buckets.filter((bucket) => !isValidBucketName(bucket));
  if (invalid.length > 0) throw new TypeError(`startDevStorage: invalid bucket names (S3's naming rules apply): ${invalid.join(', ')}`);

  const store = await ObjectStore.open(dataDir);
  for (const bucket of buckets) await store.createBucket(bucket);

  const context: Context = {
    store,
    uploads: await MultipartStore.open(dataDir, store),
    region,
    secretFor: (id) => (id === accessKeyId ? secretAccessKey : undefined),
    fallbackHost: '',
  };
  const inFlight = new Set<Promise<void>>();
  // No time limit on a whole request (Node's default is 5 minutes): developers throttle the
  // network to watch progress bars, and a big file at "Slow 3G" takes longer than that.
  const server = createServer({ requestTimeout: 0 }, (request, response) => {
    // handle() answers every failure itself; this catch only keeps a bug there from ending the process.
    const handled = handle(context, request, response).catch((error: unknown) => {
      console.error('dev-storage: could not answer a request:', error);
      response.destroy();
    });
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  context.fallbackHost = `${urlHost(host)}:${actualPort}`;

  return {
    url: `http://${context.fallbackHost}`,
    port: actualPort,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.allSettled([...inFlight]);
      await closed;
    },
  };
}

interface Context {
  store: ObjectStore;
  uploads: MultipartStore;
  region: string;
  secretFor(accessKeyId: string): string | undefined;
  /** host:port of this server, for object URLs when a request has no usable Host header. */
  fallbackHost: string;
}

/** The host part of this server's URL: a wildcard address is reached through loopback. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

async function handle(context: Context, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  response.setHeader('x-amz-request-id', requestId);
  response.setHeader('x-amz-id-2', randomBytes(24).toString('base64'));
  response.setHeader('Server', 'presigned-uploader-dev-storage');
  setCorsHeaders(response);
  try {
    await route(context, request, response);
  } catch (error) {
    if (error instanceof ClientGone || response.destroyed) return;
    if (error instanceof S3Error) {
      sendError(response, error, requestId, request.method === 'HEAD');
    } else {
      console.error('dev-storage: internal error:', error);
      // The body may still be arriving into a parser that gave up: close rather than read it.
      response.setHeader('Connection', 'close');
      sendError(response, new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.'), requestId, false);
      response.once('finish', () => request.destroy());
    }
  } finally {
    // A body nobody read (a GET with one, a refused PUT) is drained so the connection stays usable.
    if (!request.complete && !request.destroyed) request.resume();
  }
}

async function route(context: Context, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const method = request.method ?? 'GET';
  if (method === 'OPTIONS') return answerPreflight(request, response);
  const target = parseRequestTarget(request.url ?? '/');
  const { bucket, key, query } = target;
  const onBucket = key === '';
  const isUpload = method === 'POST' && onBucket;
  // A browser POST is authorized by its signed policy; every other request by SigV4, when signed at all.
  const signed = isUpload ? undefined : verifyRequestSignature(request, target, { region: context.region, secretFor: context.secretFor, now: () => new Date() });
  if (bucket === '') throw notServed(`${method} /`);
  if (!isValidBucketName(bucket)) throw new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket });
  const subresources = SUBRESOURCES.filter((name) => query.has(name));
  const subresource = subresources[0];

  if (method === 'PUT' && onBucket && !subresource) {
    // CreateBucket; an existing bucket is fine, as in us-east-1 for its owner.
    await context.store.createBucket(bucket);
    return sendEmpty(response, { Location: `/${bucket}` });
  }
  if (!(await context.store.hasBucket(bucket))) {
    throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  }
  // PutBucketCors is accepted and ignored: CORS here is always the allow-all rule.
  if (method === 'PUT' && onBucket && subresource === 'cors') return sendEmpty(response, {});
  if (method === 'GET' && onBucket && subresource === 'location') return sendXml(response, 200, locationConstraintXml(context.region));
  if (!onBucket && isObjectWrite(method, query, subresources)) {
    const answer = await answerObjectWrite(request, {
      objects: context.store,
      uploads: context.uploads,
      bucket,
      key,
      query,
      signed,
      objectUrl: () => objectUrl(request, context, bucket, key),
      now: () => new Date(),
    });
    return sendAnswer(response, answer);
  }
  if (subresource) throw notServed(`${method} ?${subresource}`);

  if (isUpload) {
    const answer = await receivePostUpload(request, {
      store: context.store,
      bucket,
      region: context.region,
      secretFor: context.secretFor,
      objectUrl: (objectKey) => objectUrl(request, context, bucket, objectKey),
      now: () => new Date(),
    });
    return sendAnswer(response, answer);
  }
  if ((method === 'GET' || method === 'HEAD') && !onBucket) return serveObject(context.store, bucket, key, response, method === 'GET');
  if (method === 'HEAD') return sendEmpty(response, { 'x-amz-bucket-region': context.region });
  if (method === 'GET') return serveListing(context.store, bucket, query, response);
  if (method === 'POST' || method === 'PUT' || method === 'DELETE') throw notServed(`${method} on ${onBucket ? 'a bucket' : 'an object'}`);
  throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', {
    Method: method,
    ResourceType: onBucket ? 'BUCKET' : 'OBJECT',
  });
}

/** A call this storage does not answer, with what it does answer. */
function notServed(what: string): S3Error {
  return notImplemented(
    `${what} is not implemented by this dev storage: it takes browser POST uploads, PutObject and multipart uploads, and serves GET, HEAD and ListObjectsV2.`,
  );
}

function objectUrl(request: IncomingMessage, context: Context, bucket: string, key: string): string {
  return `http://${requestHost(request, context)}/${bucket}/${encodeKeyPath(key)}`;
}

/** The Host the client used, so Location works from wherever it reached us; this server's own otherwise. */
function requestHost(request: IncomingMessage, context: Context): string {
  const host = request.headers.host;
  return host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? host : context.fallbackHost;
}

function sendError(response: ServerResponse, error: S3Error, requestId: string, headOnly: boolean): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  // S3 answers HEAD errors with the status alone.
  if (headOnly) return void response.writeHead(error.status, { 'Content-Length': '0' }).end();
  sendXml(response, error.status, errorXml(error, requestId));
}

function sendXml(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(xml)) }).end(xml);
}

function sendEmpty(response: ServerResponse, headers: Record<string, string>): void {
  response.writeHead(200, { ...headers, 'Content-Length': '0' }).end();
}

function sendAnswer(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(Buffer.byteLength(answer.body)) }).end(answer.body);
}
