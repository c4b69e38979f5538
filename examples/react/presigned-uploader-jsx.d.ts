// <presigned-uploader> in TSX. React 19 sets a prop as a property when the element has one
// (`headers`, `endpoint`, `multiple`), else as an attribute (`register-endpoint`), and turns
// `on` + the exact event name into addEventListener: `onupload-complete` listens to `upload-complete`.
import type { HTMLAttributes, RefAttributes } from 'react';
import type {
  FileRejectDetail,
  PresignedUploaderElement,
  UploadCompleteDetail,
  UploadErrorDetail,
  UploadEventDetail,
  UploadProgressDetail,
} from 'presigned-uploader';

type Handler<Detail> = (event: CustomEvent<Detail>) => void;

interface PresignedUploaderProps extends HTMLAttributes<PresignedUploaderElement>, RefAttributes<PresignedUploaderElement> {
  endpoint: string;
  'register-endpoint'?: string;
  'sign-body'?: string;
  'register-body'?: string;
  accept?: string;
  'max-size'?: number;
  'max-files'?: number;
  multiple?: boolean;
  concurrency?: number;
  retries?: number;
  manual?: boolean;
  disabled?: boolean;
  name?: string;
  required?: boolean;
  headers?: Record<string, string>;
  'onfile-reject'?: Handler<FileRejectDetail>;
  'onupload-start'?: Handler<UploadEventDetail>;
  'onupload-progress'?: Handler<UploadProgressDetail>;
  'onupload-complete'?: Handler<UploadCompleteDetail>;
  'onupload-error'?: Handler<UploadErrorDetail>;
  'onupload-abort'?: Handler<UploadEventDetail>;
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'presigned-uploader': PresignedUploaderProps;
    }
  }
}
