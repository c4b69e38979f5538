/** The raw outcome of one HTTP exchange with storage; status 0 means no readable answer. */
export interface TransportResponse {
  status: number;
  body: string;
  header(name: string): string | null;
  /** No bytes went out for `stallTimeout` ms, so the request was given up. */
  stalled?: boolean;
}

export interface TransportRequest {
  url: string;
  method: string;
  body: FormData | Blob;
  /** Request headers (a presigned PUT's signed ones); none for a POST form. */
  headers?: ReadonlyArray<readonly [name: string, value: string]>;
  /** Bytes of the request body sent so far, and its total. */
  onProgress(loaded: number, total: number): void;
  signal: AbortSignal;
  /** Give up after this many ms without progress (or without an answer once all is sent); 0: never. */
  stallTimeout?: number;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

const NO_ANSWER = { status: 0, body: '', header: () => null };

/**
 * Sends a request with XMLHttpRequest, the one browser API with upload progress. The factory is
 * injectable so tests can drive progress by hand. Never `withCredentials`: storage gets no cookies.
 */
export function createXhrTransport(createXhr: () => XMLHttpRequest = () => new XMLHttpRequest()): Transport {
  return ({ url, method, body, headers = [], onProgress, signal, stallTimeout = 0 }) =>
    new Promise((resolve, reject) => {
      signal.throwIfAborted();
      const xhr = createXhr();
      let stalled = false;
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      // A connection that silently stops moving would otherwise hang the upload forever.
      const rearm = () => {
        clearTimeout(watchdog);
        if (stallTimeout > 0) {
          watchdog = setTimeout(() => {
            stalled = true;
            xhr.abort();
          }, stallTimeout);
        }
      };
      const abort = () => xhr.abort();
      const settle = () => {
        clearTimeout(watchdog);
        signal.removeEventListener('abort', abort);
      };
      xhr.open(method, url);
      xhr.withCredentials = false;
      for (const [name, value] of headers) xhr.setRequestHeader(name, value);
      xhr.upload.addEventListener('progress', (event) => {
        rearm();
        if (event.lengthComputable) onProgress(event.loaded, event.total);
      });
      xhr.addEventListener('load', () => {
        settle();
        resolve({ status: xhr.status, body: xhr.responseText, header: (name) => xhr.getResponseHeader(name) });
      });
      // Network failures, CORS refusals and dropped connections all look the same to a page. (No
      // `timeout` event: xhr.timeout stays 0, the stall watchdog does that job.)
      xhr.addEventListener('error', () => {
        settle();
        resolve(NO_ANSWER);
      });
      xhr.addEventListener('abort', () => {
        settle();
        if (stalled) resolve({ ...NO_ANSWER, stalled });
        else reject(signal.reason ?? new DOMException('Upload aborted', 'AbortError'));
      });
      signal.addEventListener('abort', abort, { once: true });
      xhr.send(body);
      rearm();
    });
}
