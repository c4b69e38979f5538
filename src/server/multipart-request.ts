import * as z from 'zod';
import { unquoteEtag } from './etag.js';
import { validateBody, type Validated } from './request-body.js';

const MULTIPART_ACTIONS = ['create', 'sign-part', 'list-parts', 'complete', 'abort'] as const;
type MultipartAction = (typeof MULTIPART_ACTIONS)[number];

/** S3 numbers parts from 1 to 10,000. */
export const MAX_PARTS = 10_000;

/** No control characters: these strings go into S3 requests and log lines. */
const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;

const partNumber = z.number().int().min(1).max(MAX_PARTS);

/** Taken quoted (as S3 sends it in the ETag header) or bare (as the element reports it); kept bare. */
const etag = z
  .string()
  .trim()
  .transform(unquoteEtag)
  .pipe(z.string().min(1).max(1024).regex(PRINTABLE).regex(/^[^"]*$/));

const uploadRef = {
  uploadId: z.string().min(1).max(1024).regex(PRINTABLE),
  key: z.string().min(1).max(1024),
};

const actionSchema = z.looseObject({ action: z.enum(MULTIPART_ACTIONS) });
// Each schema repeats its action, so that what it parses is already one of MultipartRequest.
const uploadRefSchema = z.object({ action: z.enum(['list-parts', 'abort']), ...uploadRef });
const signPartSchema = z.object({ action: z.literal('sign-part'), ...uploadRef, partNumber });
const completeSchema = z.object({
  action: z.literal('complete'),
  ...uploadRef,
  parts: z
    .array(z.object({ partNumber, etag }))
    .min(1)
    .max(MAX_PARTS)
    .refine((parts) => new Set(parts.map((part) => part.partNumber)).size === parts.length),
});

export type UploadRef = z.infer<z.ZodObject<typeof uploadRef>>;
export type PartRef = z.infer<typeof signPartSchema>;
export type CompleteRequest = z.infer<typeof completeSchema>;

/** One call to the multipart endpoint; `create` carries the sign body for acceptUpload to check. */
export type MultipartRequest = { action: 'create'; announced: unknown } | PartRef | z.infer<typeof uploadRefSchema> | CompleteRequest;

const FIELD_HINTS = {
  action: `one of ${MULTIPART_ACTIONS.map((action) => `"${action}"`).join(', ')}.`,
  uploadId: 'the uploadId that "create" answered, a non-empty string.',
  key: 'the key that "create" answered, a non-empty string.',
  partNumber: 'a whole number from 1 to 10000.',
  parts: 'a non-empty list of { partNumber, etag }, each part number once, etag as the part\'s PUT answered it.',
} as const;

const SHAPES: Record<Exclude<MultipartAction, 'create'>, string> = {
  'sign-part': '{ "action", "uploadId", "key", "partNumber" }',
  'list-parts': '{ "action", "uploadId", "key" }',
  complete: '{ "action", "uploadId", "key", "parts": [{ "partNumber", "etag" }] }',
  abort: '{ "action", "uploadId", "key" }',
};

/** Validates a multipart body: its action first, then that action's fields. */
export function parseMultipartRequest(body: unknown): Validated<MultipartRequest> {
  const head = validateBody(actionSchema, body, '{ "action", ... }', FIELD_HINTS);
  if (!head.ok) return head;
  const { action } = head.data;
  switch (action) {
    case 'create':
      return { ok: true, data: { action, announced: body } };
    case 'sign-part':
      return validateBody(signPartSchema, body, SHAPES[action], FIELD_HINTS);
    case 'complete':
      return validateBody(completeSchema, body, SHAPES[action], FIELD_HINTS);
    case 'list-parts':
    case 'abort':
      return validateBody(uploadRefSchema, body, SHAPES[action], FIELD_HINTS);
  }
}
