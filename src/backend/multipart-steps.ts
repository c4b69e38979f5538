import * as z from 'zod/mini';
import type { MultipartSession, MultipartSteps, StoredPart } from '../engine/multipart-upload.js';
import { unquoteEtag } from '../engine/s3-xml.js';
import { httpUrl, UploadError, type UploadStage } from '../engine/upload-error.js';
import { signRequestBody, type BackendConfig } from './backend-steps.js';
import { MultipartJournal } from './multipart-journal.js';
import { isObject, parseAnswer } from './parse-answer.js';
import { postJson } from './post-json.js';
import { expiry, headerList, id, parseExpiry, signedHeaders } from './sign-response.js';

// These schemas are the documentation of what a multipart endpoint may answer (see README, "Multipart endpoint").

export const createdUpload = z.object({ uploadId: z.string(), key: z.string(), fileId: z.optional(id) });

export const signedPart = z.object({ url: z.string(), headers: signedHeaders, expires: z.optional(expiry) });

/** One entry of a list-parts answer, `{ parts: [...] }`; listParts walks the list (see listedParts). */
export const listedPart = z.object({ partNumber: z.number(), etag: z.string(), size: z.optional(z.number()) });
const anObject = z.object({});

export const completedUpload = z.object({
  key: z.optional(z.string()),
  location: z.optional(z.string()),
  etag: z.optional(z.string()),
  bucket: z.optional(z.string()),
});

type Action = 'create' | 'sign-part' | 'list-parts' | 'complete' | 'abort';

/**
 * The multipart endpoint's five actions, each a JSON POST with the `headers` property (never
 * sent to storage), each answer validated. Starting, signing and listing fail at the `sign`
 * stage; completing, which makes storage assemble the object, at the `upload` stage.
 */
export function multipartSteps(config: BackendConfig & { multipartEndpoint: string }): MultipartSteps {
  const send = (action: Action, stage: UploadStage, body: object, signal: AbortSignal) =>
    postJson({ stage, url: config.multipartEndpoint, body: { action, ...body }, headers: config.headers, signal });
  const invalid = (action: Action, stage: UploadStage) => (reason: string) =>
    new UploadError(stage, 'InvalidMultipartResponse', `multipart ${action} response: ${reason}`);
  const call = async <T extends z.ZodMiniType>(action: Action, stage: UploadStage, body: object, schema: T, signal: AbortSignal) => {
    const answer = await send(action, stage, body, signal);
    return parseAnswer(schema, answer, invalid(action, stage));
  };
  const names = ({ uploadId, key }: MultipartSession) => ({ uploadId, key });
  return {
    async create(file, signal) {
      const body = signRequestBody(config, file);
      if (!isObject(body)) throw new UploadError('sign', 'InvalidTemplate', 'The sign-body attribute must be a JSON object to start a multipart upload.');
      const { uploadId, key, fileId } = await call('create', 'sign', body, createdUpload, signal);
      return { uploadId, key, fileId };
    },
    async signPart(session, partNumber, signal) {
      const answer = await call('sign-part', 'sign', { ...names(session), partNumber }, signedPart, signal);
      return {
        url: httpUrl(answer.url, 'sign', 'multipart sign-part response: "url"'),
        headers: headerList(answer.headers),
        expires: parseExpiry(answer.expires),
      };
    },
    async listParts(session, signal) {
      const answer = await send('list-parts', 'sign', names(session), signal);
      return listedParts(answer, invalid('list-parts', 'sign')).map((part) => ({ ...part, etag: unquoteEtag(part.etag) ?? part.etag }));
    },
    async complete(session, parts, signal) {
      // S3 lists ETags quoted, and takes them back that way.
      const quoted = parts.map(({ partNumber, etag }) => ({ partNumber, etag: `"${etag}"` }));
      const answer = await call('complete', 'upload', { ...names(session), parts: quoted }, completedUpload, signal);
      return { ...answer, etag: unquoteEtag(answer.etag) };
    },
    async abort(session) {
      // Any 2xx will do; nobody cancels a cancel.
      await send('abort', 'upload', names(session), new AbortController().signal);
    },
    resume: new MultipartJournal(config.multipartEndpoint),
  };
}

/**
 * The parts of a list-parts answer, each checked against `listedPart`: as strict as
 * `z.object({ parts: z.array(listedPart) })`, and refused in the same words, but the list is walked
 * here; zod's array code weighed about 400 B gzip in the standalone file. parseAnswer's walk to the
 * value stops at a list, so a problem inside one reads as missing (`missing "parts.0.etag"`).
 */
function listedParts(answer: unknown, invalid: (reason: string) => UploadError): StoredPart[] {
  parseAnswer(anObject, answer, invalid);
  const { parts } = answer as { parts?: unknown };
  if (parts === undefined) throw invalid('missing "parts"');
  if (!Array.isArray(parts)) throw invalid('"parts" must be a array');
  return parts.map((part, index) => {
    const result = listedPart.safeParse(part);
    if (!result.success) throw invalid(`missing "${['parts', index, ...result.error.issues[0]!.path].join('.')}"`);
    return result.data;
  });
}
