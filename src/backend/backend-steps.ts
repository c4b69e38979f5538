import { httpUrl, UploadError } from '../engine/upload-error.js';
import type { StoredFile } from '../engine/upload-queue.js';
import type { UploadPlan } from '../engine/upload-plan.js';
import { DEFAULT_REGISTER_BODY, DEFAULT_SIGN_BODY, fileValues, fillTemplate, parseBodyTemplate } from './body-template.js';
import { postJson } from './post-json.js';
import { toUploadPlan } from './sign-response.js';

/** The element's configuration the backend calls need, read when each call goes out. */
export interface BackendConfig {
  endpoint: string;
  registerEndpoint?: string;
  /** Where big files start, sign parts of, list, complete and abort multipart uploads. */
  multipartEndpoint?: string;
  signBody?: string;
  registerBody?: string;
  headers: Readonly<Record<string, string>>;
}

/** Asks the sign endpoint for permission to upload one file and validates the answer. */
export async function signUpload(config: BackendConfig, file: File, signal: AbortSignal): Promise<UploadPlan> {
  const answer = await postJson({ stage: 'sign', url: config.endpoint, body: signRequestBody(config, file), headers: config.headers, signal });
  return toUploadPlan(answer);
}

/** The `sign-body` template filled for one file: what the sign endpoint, or a multipart create, is told. */
export function signRequestBody(config: BackendConfig, file: File): unknown {
  return fillTemplate(parseBodyTemplate(config.signBody ?? DEFAULT_SIGN_BODY, 'sign'), fileValues(file));
}

/** The register call for a stored file, ready to send now or, after a reload, later. */
export interface RegistrationRequest {
  url: string;
  body: unknown;
}

/** Fills the register template for a stored file. */
export function registrationRequest(
  config: BackendConfig & { registerEndpoint: string },
  file: File,
  stored: StoredFile,
): RegistrationRequest {
  const template = parseBodyTemplate(config.registerBody ?? defaultRegisterBody(stored), 'register');
  const body = fillTemplate(template, {
    ...fileValues(file),
    key: stored.key,
    fileId: stored.fileId,
    location: stored.location,
    etag: stored.etag,
    bucket: stored.bucket,
  });
  return { url: config.registerEndpoint, body };
}

/** Tells the register endpoint about a stored file; returns its parsed answer. */
export function sendRegistration(
  { url, body }: RegistrationRequest,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<unknown> {
  return postJson({ stage: 'register', url, body, headers, signal });
}

function defaultRegisterBody(stored: StoredFile): string {
  return stored.fileId === undefined ? DEFAULT_REGISTER_BODY : `${DEFAULT_REGISTER_BODY.slice(0, -1)},"fileId":"{fileId}"}`;
}

/** Checks the configuration up front, so a mistake is reported before any request goes out. */
export function checkConfig(config: BackendConfig): void {
  if (!config.endpoint) throw new UploadError('sign', 'MissingEndpoint', 'The endpoint attribute is not set.');
  httpUrl(config.endpoint, 'sign', 'The endpoint attribute');
  if (config.registerEndpoint) httpUrl(config.registerEndpoint, 'register', 'The register-endpoint attribute');
  if (config.multipartEndpoint) httpUrl(config.multipartEndpoint, 'sign', 'The multipart-endpoint attribute');
  if (config.signBody !== undefined) parseBodyTemplate(config.signBody, 'sign');
  if (config.registerEndpoint && config.registerBody !== undefined) parseBodyTemplate(config.registerBody, 'register');
}
