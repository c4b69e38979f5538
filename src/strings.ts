import type { UploadStatus } from './engine/upload-queue.js';
import type { RejectReason } from './engine/validate-file.js';

/** Every visible string of the default UI, in one place. */
export const strings = {
  prompt: 'Drop files here or',
  pick: 'Choose files',
  pickOne: 'Choose a file',
  cancel: 'Cancel',
  retry: 'Retry',
  remove: 'Remove',
  dismiss: 'Dismiss',
  fileList: 'Uploads',
  required: 'Please upload a file.',
  pending: 'Please wait until the upload has finished.',
  status: {
    queued: 'Waiting',
    signing: 'Preparing',
    uploading: 'Uploading',
    registering: 'Saving',
    complete: 'Uploaded',
    error: 'Failed',
    aborted: 'Cancelled',
  } satisfies Record<UploadStatus, string>,
  reject: {
    type: 'This type of file is not accepted.',
    size: 'This file is too large.',
    count: 'Too many files.',
  } satisfies Record<RejectReason, string>,
};
