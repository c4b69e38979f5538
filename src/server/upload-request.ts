import * as z from 'zod';
import { CONTENT_TYPE_PATTERN } from './content-type.js';
import { validateBody, type Validated } from './request-body.js';

/** What the browser announces about a file before it may upload it. */
export interface UploadRequest {
  filename: string;
  /** The browser's `File.type`; may be '' when it does not know the type. */
  contentType: string;
  size: number;
}

/** A byte count: the element's `"{size}"` placeholder gives a number, hand-written templates often a string. */
export const byteCount = z
  .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)])
  .pipe(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));

/** A browser's `File.type`: empty, or `type/subtype` with optional parameters. */
export const announcedType = z
  .string()
  .max(255)
  .refine((type) => type.trim() === '' || CONTENT_TYPE_PATTERN.test(type.trim()));

/** The element's default sign body `{"filename","contentType","size"}`; other fields are ignored. */
const uploadRequestSchema = z.object({
  filename: z.string().min(1).max(1024),
  contentType: announcedType,
  size: byteCount,
});

export const FIELD_HINTS = {
  filename: "the file's name, a non-empty string of at most 1024 characters.",
  contentType: 'a MIME type such as "image/png", or "" when the browser does not know it.',
  size: "the file's size in bytes, a whole number (or a string of digits).",
} as const;

/** Validates a sign body. */
export function parseUploadRequest(body: unknown): Validated<UploadRequest> {
  return validateBody(uploadRequestSchema, body, '{ "filename", "contentType", "size" }', FIELD_HINTS);
}
