// Where the demo keeps its objects: an S3-compatible storage named by the environment, or the
// embedded dev storage (started by startDemoBackend) when the environment names none.

/** An S3-compatible storage the demo backend signs for and lists. */
export interface S3Config {
  /** A custom endpoint (MinIO, Ceph, dev storage); absent: AWS S3 in `region`. */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Absent: the AWS SDK's default chain (environment, shared config files, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The dev storage's embedded settings: fine to print, since they only open a local folder. */
export const DEV_STORAGE = {
  accessKeyId: 'presigned-uploader-dev',
  secretAccessKey: 'presigned-uploader-dev-secret',
  bucket: 'uploads',
  region: 'us-east-1',
  dataDir: '.data/storage',
} as const;

/**
 * The storage that S3_ENDPOINT, S3_BUCKET, S3_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
 * name, or undefined when they name none (then the dev storage runs). AWS S3 without an endpoint
 * needs a bucket and credentials; an endpoint alone is enough (the bucket defaults to `uploads`).
 */
export function s3ConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3Config | undefined {
  const endpoint = env.S3_ENDPOINT?.trim() || undefined;
  const bucket = env.S3_BUCKET?.trim() || undefined;
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim() || undefined;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim() || undefined;
  if (!endpoint && !(bucket && accessKeyId && secretAccessKey)) return undefined;
  if (endpoint && !/^https?:\/\//.test(endpoint)) {
    throw new Error(`S3_ENDPOINT must be an http(s) URL, not "${endpoint}".`);
  }
  return {
    ...(endpoint && { endpoint }),
    bucket: bucket ?? DEV_STORAGE.bucket,
    region: env.S3_REGION?.trim() || env.AWS_REGION?.trim() || DEV_STORAGE.region,
    ...(accessKeyId && secretAccessKey && { credentials: { accessKeyId, secretAccessKey } }),
  };
}
