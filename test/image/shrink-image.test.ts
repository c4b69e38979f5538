import { expect, fixture, html } from '@open-wc/testing';
import '../../src/presigned-uploader.js';
import type { PresignedUploaderElement } from '../../src/presigned-uploader-element.js';
import { shrinkImage } from '../../src/image/shrink-image.js';
import { decoded, drawnImage, halves } from '../helpers/images.js';

describe('shrinkImage', () => {
  it('draws on the page where there is no OffscreenCanvas', async () => {
    const png = await drawnImage('a.png', 400, 200, 'image/png', halves);
    const offscreen = globalThis.OffscreenCanvas;
    let result;
    try {
      (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas = undefined;
      result = await shrinkImage(png, { width: 100, quality: 0.85, preview: 20 });
    } finally {
      globalThis.OffscreenCanvas = offscreen;
    }
    expect(result.body?.type).to.equal('image/png');
    const image = await decoded(result.body!);
    expect([image.width, image.height]).to.deep.equal([100, 50]);
    const preview = await decoded(result.preview!);
    expect([preview.width, preview.height]).to.deep.equal([40, 20]);
  });

  it('leaves an image that fits the box alone, but still draws its preview', async () => {
    const png = await drawnImage('a.png', 50, 50, 'image/png', halves);
    const result = await shrinkImage(png, { width: 100, height: 100, quality: 0.85, preview: 20 });
    expect(result.body).to.equal(undefined);
    expect(result.preview?.type).to.equal('image/png');
  });

  it('rejects what it cannot decode', async () => {
    const error = await shrinkImage(new Blob(['not an image'], { type: 'image/jpeg' }), { width: 10, quality: 1, preview: 10 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
  });
});

describe('capture', () => {
  it('is passed to the file picker', async () => {
    const el = await fixture<PresignedUploaderElement>(html`<presigned-uploader endpoint="/sign" capture="environment"></presigned-uploader>`);
    expect(el.shadowRoot!.querySelector('input[type=file]')!.getAttribute('capture')).to.equal('environment');
  });
});
