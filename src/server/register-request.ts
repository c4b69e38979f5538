import * as z from 'zod';
import { validateBody, type Validated } from './request-body.js';
import { announcedType, byteCount, FIELD_HINTS as UPLOAD_HINTS } from './upload-request.js';

/**
 * The element's default register body `{"key","filename","contentType","size","fileId"?}`.
 * Only `key` and `size` are needed to check the object; `contentType` is checked when sent
 * (the policy already pinned it at upload time). Other fields pass through to `onRegister`.
 */
const registerRequestSchema = z.looseObject({
  key: z.string().min(1).max(1024),
  size: byteCount,
  contentType: announcedType.optional(),
  filename: z.string().max(1024).optional(),
  fileId: z.union([z.string(), z.number()]).optional(),
});

type RegisterRequest = z.infer<typeof registerRequestSchema>;

const FIELD_HINTS = {
  key: "the object's key from the upload, a non-empty string.",
  size: UPLOAD_HINTS.size,
  contentType: UPLOAD_HINTS.contentType,
  filename: "the file's name, a string.",
  fileId: 'a string or a number.',
} as const;

/** Validates a register body. */
export function parseRegisterRequest(body: unknown): Validated<RegisterRequest> {
  return validateBody(registerRequestSchema, body, '{ "key", "filename", "contentType", "size" }', FIELD_HINTS);
}
