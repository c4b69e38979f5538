// `npm start`: the dev storage (unless S3_* / AWS_* name a storage), the demo backend and Vite
// with the demo page, whose /api calls Vite passes on to the backend. Ctrl-C stops all three.
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { s3ConfigFromEnv, startDemoBackend, type DemoBackend, type DemoBackendOptions } from './backend/demo-backend.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
// The AWS SDK's notice about its releases of 2027 says nothing about this demo; keep the output to the URL.
env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function port(name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) throw new Error(`${name} must be a port number, not "${value}".`);
  return number;
}

function inUse(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'EADDRINUSE';
}

async function startBackend(): Promise<DemoBackend> {
  const options: DemoBackendOptions = {
    port: port('PORT_API', 8787),
    s3: s3ConfigFromEnv(env),
    dataDir: `${root}.data/storage`,
    storagePort: port('PORT_STORAGE', 8788),
    // The page reaches /api through Vite's proxy, so links to the backend are relative to the page.
    linkBase: '',
  };
  try {
    return await startDemoBackend(options);
  } catch (error) {
    // The storage's port only has to be stable across restarts, not fixed: take any free one.
    if (!inUse(error) || env.PORT_STORAGE || options.s3) throw error;
    try {
      return await startDemoBackend({ ...options, storagePort: 0 });
    } catch (again) {
      if (inUse(again)) throw new Error(`Port ${options.port} is in use: set PORT_API to another port.`, { cause: again });
      throw again;
    }
  }
}

function storageLine(backend: DemoBackend): string {
  const { kind, endpoint, bucket, region, dataDir } = backend.storage;
  if (kind === 'dev-storage') {
    return `files go to the dev storage at ${endpoint}/${bucket}, kept in ${dataDir!.replace(root, '')}`;
  }
  return `files go to ${endpoint ?? `AWS S3 (${region})`}, bucket "${bucket}"`;
}

async function main(): Promise<void> {
  const backend = await startBackend();
  let vite: ViteDevServer | undefined;
  const stop = async (code: number) => {
    await Promise.allSettled([vite?.close(), backend.close()]);
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    vite = await createServer({
      root,
      configFile: `${root}vite.config.ts`,
      server: {
        port: port('PORT', 5173),
        proxy: { '/api': { target: backend.url } },
        // Uploaded files are data, not sources: no need to watch them.
        watch: { ignored: ['**/.data/**'] },
      },
    });
    await vite.listen();
  } catch (error) {
    console.error(error);
    await stop(1);
    return;
  }
  const url = vite.resolvedUrls?.local[0] ?? `http://localhost:${vite.config.server.port}/`;
  console.log(`\n  presigned-uploader demo: ${url}  (${storageLine(backend)}; Ctrl-C stops)\n`);
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
