import type { UploadErrorInfo, UploadStage } from './engine/upload-error.js';
import type { RejectReason } from './engine/validate-file.js';

/** Every event's detail names the file and its id in `files`. */
export interface UploadEventDetail {
  id: string;
  file: File;
}

export interface FileRejectDetail extends UploadEventDetail {
  reason: RejectReason;
}

export interface UploadProgressDetail extends UploadEventDetail {
  /** Bytes of the file sent; never decreases, and the last event has `loaded === total`. */
  loaded: number;
  total: number;
  /** 0 to 100. */
  percent: number;
}

export interface UploadCompleteDetail extends UploadEventDetail {
  /** The object key storage stored. */
  key: string;
  location?: string;
  etag?: string;
  fileId?: string | number;
  /** The register response body, parsed; present when `register-endpoint` is set. */
  registration?: unknown;
}

export interface UploadErrorDetail extends UploadEventDetail {
  stage: UploadStage;
  error: UploadErrorInfo;
}

export interface PresignedUploaderEventMap {
  'file-reject': CustomEvent<FileRejectDetail>;
  'upload-start': CustomEvent<UploadEventDetail>;
  'upload-progress': CustomEvent<UploadProgressDetail>;
  'upload-complete': CustomEvent<UploadCompleteDetail>;
  'upload-error': CustomEvent<UploadErrorDetail>;
  'upload-abort': CustomEvent<UploadEventDetail>;
  'upload-pause': CustomEvent<UploadEventDetail>;
  'upload-resume': CustomEvent<UploadEventDetail>;
}

declare global {
  // Typed `addEventListener` on any element: the events bubble and are composed.
  interface HTMLElementEventMap extends PresignedUploaderEventMap {}
}
