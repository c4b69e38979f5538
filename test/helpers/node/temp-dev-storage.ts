// A dev storage that leaves nothing behind: its data in a fresh temp folder, deleted on close.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevStorage, type DevStorage, type DevStorageOptions } from '../../../demo/dev-storage/dev-storage.js';

export interface TempDevStorage extends DevStorage {
  /** The temp folder its buckets live in (`.tmp` and `.multipart` inside it too). */
  dataDir: string;
}

/** Starts a dev storage on a free port over a new folder named `tempPrefix` + random; close() stops it, then deletes the folder. */
export async function startTempDevStorage(tempPrefix: string, options: Omit<DevStorageOptions, 'dataDir'>): Promise<TempDevStorage> {
  const dataDir = await mkdtemp(join(tmpdir(), tempPrefix));
  let storage: DevStorage;
  try {
    storage = await startDevStorage({ port: 0, ...options, dataDir });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: storage.url,
    port: storage.port,
    dataDir,
    close: async () => {
      await storage.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
