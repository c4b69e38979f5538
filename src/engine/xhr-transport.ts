/** The raw outcome of one HTTP exchange with storage; status 0 means no readable answer. */
export interface TransportResponse {
  status: number;
  body: string;
  header(name: string): string | null;
}

export interface TransportRequest {
  url: string;
  method: string;
  body: FormData;
  /** Bytes of the request body sent so far, and its total. */
  onProgress(loaded: number, total: number): void;
  signal: AbortSignal;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/**
 * Sends a request with XMLHttpRequest, the one browser API with upload progress. The factory is
 * injectable so tests can drive progress by hand. Never `withCredentials`: storage gets no cookies.
 */
export function createXhrTransport(createXhr: () => XMLHttpRequest = () => new XMLHttpRequest()): Transport {
  return ({ url, method, body, onProgress, signal }) =>
    new Promise((resolve, reject) => {
      signal.throwIfAborted();
      const xhr = createXhr();
      const abort = () => xhr.abort();
      const settle = () => signal.removeEventListener('abort', abort);
      xhr.open(method, url);
      xhr.withCredentials = false;
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) onProgress(event.loaded, event.total);
      });
      xhr.addEventListener('load', () => {
        settle();
        resolve({ status: xhr.status, body: xhr.responseText, header: (name) => xhr.getResponseHeader(name) });
      });
      // Network failures, CORS refusals and dropped connections all look the same to a page.
      const fail = () => {
        settle();
        resolve({ status: 0, body: '', header: () => null });
      };
      xhr.addEventListener('error', fail);
      xhr.addEventListener('timeout', fail);
      xhr.addEventListener('abort', () => {
        settle();
        reject(signal.reason ?? new DOMException('Upload aborted', 'AbortError'));
      });
      signal.addEventListener('abort', abort, { once: true });
      xhr.send(body);
    });
}
