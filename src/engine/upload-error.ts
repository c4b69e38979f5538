/** Which step of the per-file flow failed. */
export type UploadStage = 'sign' | 'upload' | 'register';

/** The public, serialisable shape of a failure (`upload-error` detail's `error`, `files[].error`). */
export interface UploadErrorInfo {
  code?: string;
  message: string;
  status?: number;
}

interface UploadErrorOptions {
  status?: number;
  /** Worth another attempt (network, 5xx, 429, throttling); never a definite refusal. */
  retryable?: boolean;
  /** Storage said the policy expired: one fresh sign, not counted as a retry. */
  expired?: boolean;
  cause?: unknown;
}

/** The one error type the engine fails with: every failure has a stage, a code and a human message. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly stage: UploadStage;
  readonly code: string;
  readonly status?: number;
  readonly retryable: boolean;
  readonly expired: boolean;

  constructor(stage: UploadStage, code: string, message: string, options: UploadErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.stage = stage;
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.expired = options.expired ?? false;
  }

  toJSON(): UploadErrorInfo {
    return this.status === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, status: this.status };
  }
}

/** What a paused upload's signal aborts with: unlike a cancel, a pause keeps what storage holds. */
export class UploadPaused extends DOMException {
  constructor() {
    super('Upload paused', 'AbortError');
  }
}

/** The error an `AbortSignal` raises, told apart from real failures. */
export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Only http(s) URLs are ever contacted; anything else (javascript:, data:, file:) is refused. */
export function httpUrl(url: string, stage: UploadStage, what: string): string {
  const base = globalThis.document?.baseURI;
  const key = `${base} ${url}`;
  const known = checkedUrls.get(key);
  if (known) return known;
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    throw new UploadError(stage, 'InvalidUrl', `${what} is not a valid URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UploadError(stage, 'InvalidUrl', `${what} must be an http(s) URL, not ${parsed.protocol}`);
  }
  // The same few endpoints are checked several times for every file: parse each once.
  if (checkedUrls.size >= 64) checkedUrls.clear();
  checkedUrls.set(key, parsed.href);
  return parsed.href;
}

/** Valid http(s) URLs already resolved, by `baseURI url`. */
const checkedUrls = new Map<string, string>();
