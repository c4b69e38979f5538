import { parseArgs } from 'node:util';
import { DEV_STORAGE } from '../backend/storage-config.js';
import type { DevStorageOptions } from './dev-storage.js';

/** The embedded defaults: the demo backend's DEV_STORAGE (it signs with those when no real storage is configured), and where to listen. */
export const DEV_STORAGE_DEFAULTS = {
  ...DEV_STORAGE,
  port: 9000,
  host: '127.0.0.1',
} as const;

export const USAGE = `Usage: tsx demo/dev-storage/cli.ts [options]

An S3 stand-in that verifies browser POST, presigned PUT and multipart uploads like S3 and keeps objects on disk.

Options (environment variable in brackets):
  --port <n>                 [DEV_STORAGE_PORT]               default ${DEV_STORAGE_DEFAULTS.port}; 0 picks a free port
  --host <address>           [DEV_STORAGE_HOST]               default ${DEV_STORAGE_DEFAULTS.host}
  --data <dir>               [DEV_STORAGE_DATA]               default ${DEV_STORAGE_DEFAULTS.dataDir}
  --bucket <name>            [DEV_STORAGE_BUCKETS, a,b]       default ${DEV_STORAGE_DEFAULTS.bucket}; repeatable
  --region <region>          [DEV_STORAGE_REGION]             default ${DEV_STORAGE_DEFAULTS.region}
  --access-key-id <id>       [DEV_STORAGE_ACCESS_KEY_ID]      default ${DEV_STORAGE_DEFAULTS.accessKeyId}
  --secret-access-key <key>  [DEV_STORAGE_SECRET_ACCESS_KEY]  default ${DEV_STORAGE_DEFAULTS.secretAccessKey}
  -h, --help
`;

export type CliCommand = { help: true } | { help: false; options: Required<DevStorageOptions> };

/**
 * Flags win over environment variables, which win over the defaults. AWS_ACCESS_KEY_ID and
 * friends are deliberately not read: in a developer's shell they usually hold real credentials.
 */
export function readCliOptions(argv: string[], env: NodeJS.ProcessEnv): CliCommand {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      bucket: { type: 'string', multiple: true },
      region: { type: 'string' },
      'access-key-id': { type: 'string' },
      'secret-access-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };

  const portText = values.port ?? env.DEV_STORAGE_PORT;
  const port = portText === undefined ? DEV_STORAGE_DEFAULTS.port : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${portText}`);
  const buckets = values.bucket ?? env.DEV_STORAGE_BUCKETS?.split(',').map((name) => name.trim()).filter(Boolean);
  return {
    help: false,
    options: {
      port,
      host: values.host ?? env.DEV_STORAGE_HOST ?? DEV_STORAGE_DEFAULTS.host,
      dataDir: values.data ?? env.DEV_STORAGE_DATA ?? DEV_STORAGE_DEFAULTS.dataDir,
      buckets: buckets?.length ? buckets : [DEV_STORAGE_DEFAULTS.bucket],
      region: values.region ?? env.DEV_STORAGE_REGION ?? DEV_STORAGE_DEFAULTS.region,
      accessKeyId: values['access-key-id'] ?? env.DEV_STORAGE_ACCESS_KEY_ID ?? DEV_STORAGE_DEFAULTS.accessKeyId,
      secretAccessKey: values['secret-access-key'] ?? env.DEV_STORAGE_SECRET_ACCESS_KEY ?? DEV_STORAGE_DEFAULTS.secretAccessKey,
    },
  };
}
