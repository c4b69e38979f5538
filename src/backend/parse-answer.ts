import type * as z from 'zod/mini';
import type { UploadError } from '../engine/upload-error.js';

/**
 * Validates a backend answer against its schema; the first problem becomes the error `invalid`
 * builds from a reason a person can act on (`missing "url"`, `"size" must be a number`).
 */
export function parseAnswer<T extends z.ZodMiniType>(schema: T, data: unknown, invalid: (reason: string) => UploadError): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw invalid(describeIssue(result.error.issues[0]!, data));
}

// The schemas hold objects, strings, numbers, booleans, arrays, optionals and unions of these (no
// literal, enum or record): a missing value, a wrong type or a union that no member fits is all they report.
function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const path = issue.path.map(String).join('.');
  const value = issue.path.reduce<unknown>((node, part) => field(node, part as string), data);
  if (value === undefined) return `missing "${path}"`;
  if (issue.code !== 'invalid_type') return `"${path}" must be a string or a number`;
  const { expected } = issue;
  return `"${path}" must be ${expected === 'object' ? 'an object' : `a ${expected}`}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A property of an object (not of an array); undefined for anything else. */
export function field(value: unknown, name: string): unknown {
  return isObject(value) ? value[name] : undefined;
}
