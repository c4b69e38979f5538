// The browser half as a TypeScript app uses it: the element from its tag, its properties, its typed events.
import 'presigned-uploader/presigned-uploader.js';
import { PresignedUploaderElement, type UploadCompleteDetail, type UploadErrorInfo } from 'presigned-uploader';

const uploader = document.createElement('presigned-uploader');
const asClass: PresignedUploaderElement = uploader;
asClass.endpoint = '/api/sign';
uploader.headers = { Authorization: 'Bearer token' };
uploader.addEventListener('upload-complete', (event) => {
  const detail: UploadCompleteDetail = event.detail;
  const key: string = detail.key;
  document.title = key;
});
uploader.addEventListener('upload-error', (event) => {
  const error: UploadErrorInfo = event.detail.error;
  console.error(event.detail.stage, error.code, error.message);
});
uploader.addEventListener('upload-progress', (event) => console.log(event.detail.percent.toFixed(0)));
document.body.append(uploader);
