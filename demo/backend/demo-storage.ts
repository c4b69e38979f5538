import {
  CreateBucketCommand,
  GetBucketCorsCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  type CORSRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createS3Client } from '../../src/server/s3-client.js';
import { httpStatusOf } from '../../src/server/storage-error.js';
import { startDevStorage } from '../dev-storage/dev-storage.js';
import { DEV_STORAGE, type S3Config } from './storage-config.js';

/** What browser uploads need from a bucket: POST and PUT (whole files, parts) from the page, GET for the links, ETag and Location readable. */
const CORS_RULE: CORSRule = {
  AllowedOrigins: ['*'],
  AllowedMethods: ['POST', 'PUT', 'GET', 'HEAD'],
  AllowedHeaders: ['*'],
  ExposeHeaders: ['ETag', 'Location'],
  MaxAgeSeconds: 3000,
};

/** What the routes need to know about the storage, and what the demo page shows of it. */
export interface DemoStorage {
  kind: 'dev-storage' | 's3';
  bucket: string;
  region: string;
  /** The custom endpoint; absent for AWS S3. */
  endpoint?: string;
  /** The dev storage's data folder. */
  dataDir?: string;
  client: S3Client;
  /** Presigns what browsers get (POST forms, PUT URLs): `client`, or one addressed at `uploadEndpoint`. */
  signer: S3Client;
  /** Whether objects can be linked straight at the storage (the dev storage serves anyone). */
  publicObjects: boolean;
  close(): Promise<void>;
}

export interface OpenStorageOptions {
  /** A configured storage; absent: start the dev storage. */
  s3?: S3Config;
  /** The dev storage's data folder. */
  dataDir?: string;
  /** The dev storage's port; 0 picks a free one. */
  storagePort?: number;
  /** The dev storage's address. */
  storageHost?: string;
  /**
   * Where browsers upload, when they reach the storage at another address than the backend does
   * (a proxy in front of it, a container's published port); the backend's own calls go straight.
   */
  uploadEndpoint?: string;
}

/** Opens the configured storage (checking its bucket), or starts the dev storage. */
export async function openDemoStorage(options: OpenStorageOptions): Promise<DemoStorage> {
  const storage = await openStorage(options);
  if (options.uploadEndpoint === undefined) return storage;
  const signer = createS3Client({
    bucket: storage.bucket,
    region: storage.region,
    endpoint: options.uploadEndpoint,
    credentials: options.s3?.credentials ?? { accessKeyId: DEV_STORAGE.accessKeyId, secretAccessKey: DEV_STORAGE.secretAccessKey },
  });
  return {
    ...storage,
    signer,
    close: async () => {
      signer.destroy();
      await storage.close();
    },
  };
}

async function openStorage(options: OpenStorageOptions): Promise<DemoStorage> {
  if (options.s3) return openConfigured(options.s3);
  const dataDir = options.dataDir ?? DEV_STORAGE.dataDir;
  const dev = await startDevStorage({
    port: options.storagePort ?? 0,
    ...(options.storageHost !== undefined && { host: options.storageHost }),
    dataDir,
    accessKeyId: DEV_STORAGE.accessKeyId,
    secretAccessKey: DEV_STORAGE.secretAccessKey,
    region: DEV_STORAGE.region,
    buckets: [DEV_STORAGE.bucket],
  });
  const client = createS3Client({
    bucket: DEV_STORAGE.bucket,
    endpoint: dev.url,
    region: DEV_STORAGE.region,
    credentials: { accessKeyId: DEV_STORAGE.accessKeyId, secretAccessKey: DEV_STORAGE.secretAccessKey },
  });
  return {
    kind: 'dev-storage',
    bucket: DEV_STORAGE.bucket,
    region: DEV_STORAGE.region,
    endpoint: dev.url,
    dataDir,
    client,
    signer: client,
    publicObjects: true,
    close: async () => {
      client.destroy();
      await dev.close();
    },
  };
}

async function openConfigured(config: S3Config): Promise<DemoStorage> {
  const client = createS3Client({
    bucket: config.bucket,
    region: config.region,
    ...(config.endpoint && { endpoint: config.endpoint }),
    ...(config.credentials && { credentials: config.credentials }),
  });
  await checkBucket(client, config);
  return {
    kind: 's3',
    bucket: config.bucket,
    region: config.region,
    ...(config.endpoint && { endpoint: config.endpoint }),
    client,
    signer: client,
    publicObjects: false,
    close: async () => client.destroy(),
  };
}

/**
 * A bucket that is missing on a self-hosted S3 (MinIO, Ceph) is created with an open CORS rule,
 * as a fresh server has none; on AWS that is the user's call. An existing bucket without CORS
 * rules gets a warning, since the browser's POST then fails with a bare network error: the
 * demo never changes the CORS rules of a bucket it did not create.
 */
async function checkBucket(client: S3Client, config: S3Config): Promise<void> {
  const where = `${config.endpoint ?? `AWS S3 (${config.region})`}, bucket "${config.bucket}"`;
  try {
    await client.send(new HeadBucketCommand({ Bucket: config.bucket }));
  } catch (error) {
    if (httpStatusOf(error) !== 404 || !config.endpoint) {
      throw new Error(`The configured storage is not usable: ${where}: ${describe(error)}`, { cause: error });
    }
    await client.send(new CreateBucketCommand({ Bucket: config.bucket }));
    // A bucket the demo made is the demo's: it gets the rule browser uploads need.
    await client.send(new PutBucketCorsCommand({ Bucket: config.bucket, CORSConfiguration: { CORSRules: [CORS_RULE] } }));
    console.log(`demo: created bucket "${config.bucket}" at ${config.endpoint}, open to browser uploads from any origin`);
    return;
  }
  try {
    await client.send(new GetBucketCorsCommand({ Bucket: config.bucket }));
  } catch (error) {
    // MinIO answers NotImplemented: it allows every origin itself.
    if ((error as { name?: string }).name !== 'NoSuchCORSConfiguration') return;
    console.warn(
      `demo: ${where} has no CORS rules, so browser uploads to it will fail. Add one such as ${JSON.stringify([CORS_RULE])}.`,
    );
  }
}

function describe(error: unknown): string {
  const { name, message } = error as { name?: string; message?: string };
  return [name, message].filter(Boolean).join(': ') || String(error);
}
