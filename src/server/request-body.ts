import type * as z from 'zod';

export type Validated<T> = { ok: true; data: T } | { ok: false; message: string };

/**
 * Runs a body through its schema and words the first problem for the person who wrote the
 * client: `fields` holds one sentence per field, since zod's own messages name no field.
 */
export function validateBody<T extends z.ZodType>(
  schema: T,
  body: unknown,
  shape: string,
  fields: Readonly<Record<string, string>>,
): Validated<z.infer<T>> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, message: `The request body must be a JSON object: ${shape}.` };
  }
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, data: result.data };
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? '');
  const hint = fields[name] ?? issue.message;
  const missing = name !== '' && (body as Record<string, unknown>)[name] === undefined;
  return { ok: false, message: missing ? `Missing "${name}": ${hint}` : `Invalid "${name}": ${hint}` };
}
