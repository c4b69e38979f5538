import type { Network } from './retry.js';

/** The browser's idea of the connection: `navigator.onLine`, and the window's `online` event. */
export const browserNetwork: Network = {
  online: () => globalThis.navigator?.onLine !== false,
  whenOnline(signal) {
    if (this.online()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        globalThis.removeEventListener('online', back);
        signal.removeEventListener('abort', abort);
      };
      const back = () => {
        cleanup();
        resolve();
      };
      const abort = () => {
        cleanup();
        reject(signal.reason);
      };
      globalThis.addEventListener('online', back);
      signal.addEventListener('abort', abort, { once: true });
    });
  },
};
