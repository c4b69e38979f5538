export { PresignedUploaderElement } from './presigned-uploader-element.js';
export type * from './events.js';
export { UploadError, type UploadErrorInfo, type UploadStage } from './engine/upload-error.js';
export type { UploadSnapshot, UploadStatus } from './engine/upload-queue.js';
export type { PostPlan, PutPlan, UploadPlan } from './engine/upload-plan.js';
export type { RejectReason } from './engine/validate-file.js';
export { toUploadPlan } from './backend/sign-response.js';
export { de, en, fr, type PartialStrings, type UploaderStrings } from './i18n/strings.js';
