import { PresignedUploaderElement } from './presigned-uploader-element.js';

export { PresignedUploaderElement };

// Guarded twice: two bundles on one page that both define the element must not throw, and
// where there is no DOM (SSR, a worker, a Node script) there may be no registry at all.
// Lit's Node build installs a registry shim; a bundle of Lit's browser build does not.
const registry: CustomElementRegistry | undefined = globalThis.customElements;
if (registry && !registry.get('presigned-uploader')) {
  registry.define('presigned-uploader', PresignedUploaderElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'presigned-uploader': PresignedUploaderElement;
  }
}
