// Custom states where a browser lacks them: the element still works, only the styling hooks
// change (README "Browsers"). The gaps are made here by hiding or narrowing the browser's own
// API, since every engine the suite runs in has the modern one.
import { expect } from '@open-wc/testing';
import { makeFile } from '../helpers/files.js';
import { uploader } from '../helpers/uploader.js';

/** Replaces `prototype[name]` until the returned function puts the original back. */
function patch<T extends object>(prototype: T, name: keyof T & string, descriptor: PropertyDescriptor): () => void {
  const original = Object.getOwnPropertyDescriptor(prototype, name)!;
  Object.defineProperty(prototype, name, { ...original, ...descriptor });
  return () => Object.defineProperty(prototype, name, original);
}

/** Drags a file over the drop zone, then drops it. */
function dragAndDrop(el: HTMLElement, file: File) {
  const zone = el.shadowRoot!.querySelector('[part=drop-zone]')!;
  const data = new DataTransfer();
  data.items.add(file);
  return {
    over: () => zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, cancelable: true })),
    drop: () => zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true })),
  };
}

describe('<presigned-uploader> custom states in older browsers', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it('without custom states (Safari < 17.4, Firefox < 126): no state, and the element works as before', async () => {
    restore = patch(ElementInternals.prototype, 'states', { get: () => undefined });
    const el = await uploader('endpoint="/api/sign" manual');
    const { over, drop } = dragAndDrop(el, makeFile('a.jpg'));
    over();
    expect(el.matches(':state(dragover)')).to.equal(false);
    drop();
    expect(el.files.map((f) => f.file.name)).to.deep.equal(['a.jpg']);
  });

  it('with only dashed names (Chromium 90–124): the states are set as --name', async () => {
    const add = CustomStateSet.prototype.add;
    restore = patch(CustomStateSet.prototype, 'add', {
      value(this: CustomStateSet, name: string) {
        if (!name.startsWith('--')) throw new DOMException(`Failed to execute 'add' on 'CustomStateSet': '${name}' must start with '--'.`, 'SyntaxError');
        return add.call(this, name);
      },
    });
    const el = await uploader('endpoint="/api/sign" manual');
    const { over, drop } = dragAndDrop(el, makeFile('a.jpg'));
    over();
    expect(el.matches(':state(--dragover)')).to.equal(true);
    drop();
    expect(el.matches(':state(--dragover)')).to.equal(false);
    expect(el.files.map((f) => f.file.name)).to.deep.equal(['a.jpg']);
  });
});
