import { PresignedUploaderElement } from './presigned-uploader-element.js';

export { PresignedUploaderElement };

// Guarded: two bundles on one page that both define the element must not throw.
if (!customElements.get('presigned-uploader')) {
  customElements.define('presigned-uploader', PresignedUploaderElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'presigned-uploader': PresignedUploaderElement;
  }
}
