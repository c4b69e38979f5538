// The bench's latency knob: `ms` added to every HTTP exchange the page makes, CORS preflights
// included, by the fault proxy's `latency-MS` scenario (kept-alive connections, each request held
// `ms` before it is forwarded) in front of the dev storage and in front of a second demo backend.
// Chromium's network emulation is not used: it does not delay preflights, and it treats latency as
// a floor rather than an addition. The backend's own calls to storage (register's HeadObject) go
// straight, as they stay inside one data center in production.
//
// With `protocol: 'h2'` the page reaches the backend through an HTTP/2 front instead (bench/h2-front.ts,
// TLS, the same hold before each request); the storage stays behind the HTTP/1.1 proxy.
import { DEV_STORAGE, startDemoBackend, type DemoBackend } from '../demo/backend/demo-backend.ts';
import { startFaultProxy } from '../test/helpers/node/fault-proxy.ts';
import { startH2Front } from './h2-front.ts';
import type { BackendProtocol } from './results.ts';

export interface LatencySetup {
  /** What the page uses as the backend's origin: the delaying proxy's route to it. */
  api: string;
  /** CORS preflights that went through each proxy (each was delayed too). */
  preflights(): { backend: number; storage: number };
  close(): Promise<void>;
}

const TOKEN = 'bench';

/**
 * Proxies and a backend whose sign answers send the browser through the storage proxy; `direct` names the storage.
 * `dir` takes the HTTP/2 front's certificate.
 */
export async function startLatencySetup(direct: DemoBackend, ms: number, protocol: BackendProtocol, dir: string): Promise<LatencySetup> {
  const route = `/fault/latency-${ms}/${TOKEN}`;
  const storage = direct.storage.endpoint;
  if (!storage) throw new Error('the latency setup needs the dev storage (an endpoint)');
  const storageProxy = await startFaultProxy(storage);
  const closing: Array<() => Promise<void>> = [() => storageProxy.close()];
  try {
    const backend: DemoBackend = await startDemoBackend({
      s3: {
        endpoint: storage,
        bucket: DEV_STORAGE.bucket,
        region: DEV_STORAGE.region,
        credentials: { accessKeyId: DEV_STORAGE.accessKeyId, secretAccessKey: DEV_STORAGE.secretAccessKey },
      },
      uploadEndpoint: `${storageProxy.url}${route}`,
    });
    closing.unshift(() => backend.close());
    const storagePreflights = () => storageProxy.counters(TOKEN).preflights;
    if (protocol === 'h2') {
      const front = await startH2Front(backend.url, ms, dir);
      closing.unshift(() => front.close());
      return {
        api: front.url,
        preflights: () => ({ backend: front.preflights(), storage: storagePreflights() }),
        close: () => closeAll(closing),
      };
    }
    const backendProxy = await startFaultProxy(backend.url);
    closing.unshift(() => backendProxy.close());
    return {
      api: `${backendProxy.url}${route}`,
      preflights: () => ({ backend: backendProxy.counters(TOKEN).preflights, storage: storagePreflights() }),
      close: () => closeAll(closing),
    };
  } catch (error) {
    await closeAll(closing);
    throw error;
  }
}

async function closeAll(closing: Array<() => Promise<void>>): Promise<void> {
  for (const close of closing) await close();
}
