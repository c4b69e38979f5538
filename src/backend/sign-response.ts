import * as z from 'zod/mini';
import { field, isObject, parseAnswer } from './parse-answer.js';
import { isKeyField } from '../engine/resolve-key.js';
import { httpUrl, UploadError } from '../engine/upload-error.js';
import type { PostPlan, PutPlan, UploadPlan } from '../engine/upload-plan.js';

// These schemas are the documentation of what a sign endpoint may answer (see README, "Backend contract").

/**
 * An object of any names whose values all fit `value`: what `z.record(z.string(), value)` checks,
 * built from the object schema the answers use anyway, which keeps zod's record code (about 570 B
 * gzip) out of the standalone file. On JSON the two agree: the same issues, neither keeps an own
 * "__proto__".
 */
const anyNames = <T extends z.core.SomeType>(value: T) => z.catchall(z.object({}), value);

export const id = z.union([z.string(), z.number()]);
const fieldValues = anyNames(z.union([z.string(), z.number(), z.boolean()]));
/** ISO date, "YYYY-MM-DD hh:mm:ss", epoch seconds or epoch milliseconds. */
export const expiry = z.union([z.string(), z.number()]);
/** Headers a presigned PUT (or UploadPart) was signed with. */
export const signedHeaders = z.optional(anyNames(z.union([z.string(), z.number()])));

/** AWS SDK `createPresignedPost` output, optionally with the file field's name, an id and an expiry. */
export const awsPresignedPost = z.object({
  url: z.string(),
  fields: fieldValues,
  fileFieldName: z.optional(z.string()),
  fileId: z.optional(id),
  expires: z.optional(expiry),
});

/** Form attributes and inputs of an HTML form to submit (seed 000). */
export const formDescription = z.object({
  formAttributes: z.object({
    action: z.string(),
    method: z.optional(z.string()),
    enctype: z.optional(z.string()),
    key: z.optional(z.string()),
  }),
  formInputs: fieldValues,
});

/**
 * A `{ success: true, value }` envelope (seed 003). `success` is checked before this schema (see
 * toUploadPlan): a `z.literal` for that one value would bring zod's literal code, about 150 B gzip.
 */
export const envelope = z.object({
  value: z.object({
    file_id: z.optional(id),
    url: z.string(),
    expires: z.optional(expiry),
    file_field_name: z.optional(z.string()),
    fields: z.optional(fieldValues),
  }),
});

/** A presigned PUT, for storage without POST policies (R2, B2): the raw file goes to `url` with exactly `headers`. */
export const presignedPut = z.object({
  url: z.string(),
  method: z.string(),
  headers: signedHeaders,
  /** Default: the URL's path, as a virtual-hosted-style URL names the object. */
  key: z.optional(z.string()),
  fileId: z.optional(id),
  expires: z.optional(expiry),
});

/** Detects the shape of a sign answer, validates it and maps it to one upload plan. */
export function toUploadPlan(data: unknown): UploadPlan {
  if (!isObject(data)) throw invalid('expected a JSON object');
  if ('method' in data && !(typeof data['method'] === 'string' && data['method'].toUpperCase() === 'POST')) return putPlan(data);
  if ('success' in data) {
    // `success: false` never gets here: postJson fails it with the vendor's code.
    if (data['success'] !== true) throw invalid('"success" must be true');
    const { value } = parse(envelope, data);
    return plan(value.url, rawFields(data['value'], 'fields') ?? {}, value.file_field_name, value.file_id, value.expires);
  }
  if ('formAttributes' in data || 'formInputs' in data) {
    const { formAttributes, formInputs } = parse(formDescription, data);
    if (formAttributes.method && formAttributes.method.toUpperCase() !== 'POST') {
      throw invalid(`"formAttributes.method" must be POST, not ${formAttributes.method}`);
    }
    // The prefix in formAttributes is part of the answer; it becomes the key field when the inputs lack one.
    const hasKey = Object.keys(formInputs).some(isKeyField);
    const inputs = rawFields(data, 'formInputs') ?? formInputs;
    const fields = hasKey || formAttributes.key === undefined ? inputs : { ...inputs, key: formAttributes.key };
    return plan(formAttributes.action, fields, undefined, undefined, undefined);
  }
  const answer = parse(awsPresignedPost, data);
  if (!Object.keys(answer.fields).some(isKeyField)) throw invalid('missing "fields.key"');
  return plan(answer.url, rawFields(data, 'fields') ?? answer.fields, answer.fileFieldName, answer.fileId, answer.expires);
}

function putPlan(data: Record<string, unknown>): PutPlan {
  const answer = parse(presignedPut, data);
  if (answer.method.toUpperCase() !== 'PUT') throw invalid(`"method" must be "PUT" or "POST", not ${JSON.stringify(answer.method)}`);
  const url = targetUrl(answer.url);
  return { url, method: 'PUT', headers: headerList(answer.headers), key: answer.key ?? keyOfUrl(url), fileId: answer.fileId, expires: parseExpiry(answer.expires) };
}

/** Signed headers as the transport sends them: name and text value, in the answer's order. */
export function headerList(headers: z.infer<typeof signedHeaders>): Array<readonly [string, string]> {
  return Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)] as const);
}

/** The object key a virtual-hosted-style URL names: its path without the leading `/`, decoded. */
function keyOfUrl(url: string): string {
  const path = new URL(url).pathname.slice(1);
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The storage URL of an answer: not http(s), or no URL at all, makes the answer invalid. */
function targetUrl(url: string): string {
  try {
    return httpUrl(url, 'sign', '"url"');
  } catch (error) {
    throw invalid((error as Error).message);
  }
}

function plan(
  url: string,
  fields: Readonly<Record<string, unknown>>,
  fileField: string | undefined,
  fileId: string | number | undefined,
  expires: string | number | undefined,
): PostPlan {
  const entries = Object.entries(fields).map(([name, value]) => {
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw invalid(`"fields.${name}" must be a string, a number or a boolean`);
    return [name, String(value)] as const;
  });
  const key = entries.find(([name]) => isKeyField(name))?.[1] ?? '';
  return { url: targetUrl(url), method: 'POST', fields: entries, fileField: fileField || 'file', key, fileId, expires: parseExpiry(expires) };
}

/** Epoch milliseconds, or undefined when the value says nothing usable. */
export function parseExpiry(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    const number = Number(value);
    // Ten-digit numbers are epoch seconds; thirteen-digit ones milliseconds.
    const time = number < 1e12 ? number * 1000 : number;
    return Number.isFinite(time) ? time : undefined;
  }
  // "YYYY-MM-DD hh:mm:ss" (seed 003) carries no zone: read it as UTC, as servers write it.
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : time;
}

// zod rebuilds a map of any names (anyNames) key by key, which drops an own "__proto__" property that
// JSON.parse keeps; the validated input's own fields are read instead, in their order.
function rawFields(owner: unknown, name: string): Readonly<Record<string, unknown>> | undefined {
  const fields = field(owner, name);
  return isObject(fields) ? fields : undefined;
}

function parse<T extends z.ZodMiniType>(schema: T, data: unknown): z.infer<T> {
  return parseAnswer(schema, data, invalid);
}

function invalid(reason: string): UploadError {
  return new UploadError('sign', 'InvalidSignResponse', `sign response: ${reason}`);
}
