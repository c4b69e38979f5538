import { fixture, html, oneEvent } from '@open-wc/testing';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import '../../src/presigned-uploader.js';
import type { PresignedUploaderElement } from '../../src/presigned-uploader-element.js';

/** Renders `<presigned-uploader>` with the given attributes (a trusted, test-only string). */
export function uploader(attributes: string): Promise<PresignedUploaderElement> {
  return fixture<PresignedUploaderElement>(html`${unsafeHTML(`<presigned-uploader ${attributes}></presigned-uploader>`)}`);
}

/** Collects the element's events by name, in order. */
export function record(el: HTMLElement, names: readonly string[] = ['file-reject', 'upload-start', 'upload-progress', 'upload-complete', 'upload-error', 'upload-abort']) {
  const seen: CustomEvent[] = [];
  for (const name of names) el.addEventListener(name, (event) => seen.push(event as CustomEvent));
  return {
    seen,
    names: () => seen.map((event) => event.type),
    last: <T>(name: string) => [...seen].reverse().find((event) => event.type === name)?.detail as T,
  };
}

/** Adds files and waits for the first of `upload-complete` / `upload-error`. */
export async function settle(el: PresignedUploaderElement, files: File[]): Promise<CustomEvent> {
  const done = Promise.race([oneEvent(el, 'upload-complete'), oneEvent(el, 'upload-error')]);
  el.addFiles(files);
  return done as Promise<CustomEvent>;
}
