import { S3Client } from '@aws-sdk/client-s3';

/** Where the objects live and how to reach them: shared by the sign and register handlers. */
export interface StorageOptions {
  bucket: string;
  /** Default 'us-east-1'. */
  region?: string;
  /** A custom S3 endpoint (MinIO, Ceph, dev storage); implies `forcePathStyle` unless it is false. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Default: the SDK's default chain (environment, shared config files, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Use this client instead of building one; region, endpoint and credentials are then its own. */
  client?: S3Client;
}

const DEFAULT_REGION = 'us-east-1';

/** The client the options describe; built once per handler, since it holds connections and credentials. */
export function createS3Client(options: StorageOptions): S3Client {
  if (typeof options.bucket !== 'string' || options.bucket === '') {
    throw new TypeError('presigned-uploader/server: `bucket` is required.');
  }
  if (options.client) return options.client;
  return new S3Client({
    region: options.region ?? DEFAULT_REGION,
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    // Self-hosted S3 servers rarely have wildcard DNS for bucket subdomains: path style is the safe default there.
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    ...(options.credentials && { credentials: options.credentials }),
  });
}

/**
 * The URL at which `client` addresses an object: the custom endpoint (path style or bucket
 * subdomain) or AWS's regional virtual-hosted URL. Read from the client's own configuration,
 * so a client passed in through `options.client` gives its own URLs.
 */
export async function objectUrl(client: S3Client, bucket: string, key: string): Promise<string> {
  const config = client.config;
  const path = key.split('/').map(encodeURIComponent).join('/');
  const pathStyle = config.forcePathStyle === true;
  const custom = config.endpoint ? await config.endpoint() : undefined;
  if (custom) {
    const port = custom.port ? `:${custom.port}` : '';
    const base = custom.path.replace(/\/+$/, '');
    return pathStyle
      ? `${custom.protocol}//${custom.hostname}${port}${base}/${encodeURIComponent(bucket)}/${path}`
      : `${custom.protocol}//${bucket}.${custom.hostname}${port}${base}/${path}`;
  }
  const region = await config.region();
  // Bucket names with dots break the wildcard TLS certificate of the subdomain form; the SDK
  // falls back to path style for them, and so does this URL.
  return pathStyle || bucket.includes('.')
    ? `https://s3.${region}.amazonaws.com/${encodeURIComponent(bucket)}/${path}`
    : `https://${bucket}.s3.${region}.amazonaws.com/${path}`;
}
