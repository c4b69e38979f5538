import { isRetryableStatus } from '../engine/send-to-storage.js';
import { httpUrl, UploadError, type UploadStage } from '../engine/upload-error.js';
import { field } from './parse-answer.js';

export interface JsonRequest {
  stage: UploadStage;
  url: string;
  body: unknown;
  /** The `headers` property: only ever sent to the site's own backend. */
  headers: Readonly<Record<string, string>>;
  signal: AbortSignal;
}

/**
 * POSTs JSON to the site's backend and returns the parsed answer (the text when it is not JSON,
 * undefined when empty). Failures become errors of the request's stage; a vendor envelope
 * `{ success: false, status: { code, description } }` is an error with that code whatever its status.
 */
export async function postJson({ stage, url, body, headers, signal }: JsonRequest): Promise<unknown> {
  const target = httpUrl(url, stage, `The ${stage} endpoint`);
  let response: Response;
  try {
    response = await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new UploadError(stage, 'NetworkError', `Could not reach the ${stage} endpoint: the network is down or it refused this site.`, {
      status: 0,
      retryable: true,
      cause: error,
    });
  }
  const text = await response.text();
  const data = parseJson(text);
  const refusal = envelopeError(data);
  if (refusal) {
    throw new UploadError(stage, refusal.code, refusal.message, { status: response.status });
  }
  if (!response.ok) {
    const { status } = response;
    throw new UploadError(stage, errorCode(data) ?? `HTTP${status}`, errorMessage(data) ?? `The ${stage} endpoint answered HTTP ${status}.`, {
      status,
      retryable: isRetryableStatus(status),
    });
  }
  return data;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function envelopeError(data: unknown): { code: string; message: string } | undefined {
  if (field(data, 'success') !== false) return undefined;
  const status = field(data, 'status');
  const code = field(status, 'code');
  const description = field(status, 'description');
  return {
    code: code === undefined ? 'Refused' : String(code),
    message: typeof description === 'string' && description ? description : 'The server refused the request.',
  };
}

// Backends commonly answer `{ "error": { "code", "message" } }` (presigned-uploader/server),
// `{ "error": "…" }`, `{ "message": "…" }` or `{ "code": "…" }`.
function errorMessage(data: unknown): string | undefined {
  if (typeof data === 'string' && data.length > 0 && data.length <= 200 && !data.trimStart().startsWith('<')) return data;
  const message = field(data, 'message') ?? field(field(data, 'error'), 'message') ?? field(data, 'error');
  return typeof message === 'string' && message ? message : undefined;
}

function errorCode(data: unknown): string | undefined {
  const code = field(data, 'code') ?? field(field(data, 'error'), 'code');
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}
