// The `presigned-uploader/server` entry: fetch-API handlers for the backend half of an upload.
// Re-exports only, no side effects.
export type { StorageOptions } from './s3-client.js';
export type { SignOptions, PutSignOptions } from './sign-options.js';
export type { AccessOptions } from './caller.js';
export type { KeyPrefix } from './key-prefix.js';
export type { AcceptedUpload } from './accepted-upload.js';
export { allowedOrigins } from './allowed-origins.js';
export { presignUpload, type PresignedUpload } from './presign-upload.js';
export type { PresignedPut } from './presign-put.js';
export type { UploadRequest } from './upload-request.js';
export { createSignHandler } from './sign-handler.js';
export { createMultipartHandler, type MultipartOptions } from './multipart-handler.js';
export type { UploadedPart, CompletedUpload } from './multipart-upload.js';
export { createRegisterHandler, type RegisterOptions, type StoredObject } from './register-handler.js';
export { toNodeListener, type NodeListenerOptions } from './node-listener.js';
export { SignRefusal } from './sign-refusal.js';
