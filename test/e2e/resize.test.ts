// Images made smaller before upload, end to end: real images drawn in the test, resized by the
// element, stored on real storage (the dev storage, or radosgw when S3_ENDPOINT is set) and
// decoded back from there.
import { expect, oneEvent } from '@open-wc/testing';
import type { FileRejectDetail, UploadCompleteDetail, UploadProgressDetail } from '../../src/events.js';
import type { PresignedUploaderElement } from '../../src/presigned-uploader-element.js';
import { randomFile, sha256 } from '../helpers/files.js';
import { decoded, drawnImage, halves, hasExif, noise, withExifOrientation } from '../helpers/images.js';
import { requireTestEnv } from '../helpers/test-env.js';
import { record, settle, uploader } from '../helpers/uploader.js';
import { skipIn } from '../helpers/engine.js';

const api = await requireTestEnv('E2E_API_URL');
const kind = await requireTestEnv('E2E_STORAGE_KIND');

async function post(path: string, key: string): Promise<Response> {
  const response = await fetch(`${api}${path}`, { method: 'POST', body: JSON.stringify({ key }) });
  expect(response.status, `${path} ${key}`).to.equal(200);
  return response;
}
const stored = async (key: string) => (await post('/object', key)).json() as Promise<{ size: number; sha256: string; contentType?: string }>;
const storedBlob = async (key: string) => (await post('/object-bytes', key)).blob();

function element(extra: string): Promise<PresignedUploaderElement> {
  return uploader(`endpoint="${api}/sign?status=201" register-endpoint="${api}/register" retry-delay="50" ${extra}`);
}

async function complete(el: PresignedUploaderElement, file: File): Promise<UploadCompleteDetail> {
  const done = await Promise.race([settle(el, [file]), oneEvent(el, 'file-reject')]);
  expect(done.type, JSON.stringify(done.detail)).to.equal('upload-complete');
  return done.detail as UploadCompleteDetail;
}

/** Long tasks on the page from now until the returned function is called. */
function watchLongTasks(): () => number[] {
  const durations: number[] = [];
  const observer = new PerformanceObserver((list) => durations.push(...list.getEntries().map((entry) => entry.duration)));
  observer.observe({ type: 'longtask' });
  return () => {
    durations.push(...observer.takeRecords().map((entry) => entry.duration));
    observer.disconnect();
    return durations;
  };
}

/** Whether this engine writes WebP (WebKit's canvas falls back to PNG). */
function canEncodeWebp(): boolean {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  return canvas.toDataURL('image/webp').startsWith('data:image/webp');
}

describe(`images resized before upload to ${kind}`, function () {
  this.timeout(60_000);

  it('takes a photo over max-size that fits once resized; everything but detail.file describes the uploaded image', async () => {
    const photo = await drawnImage('photo.jpg', 4000, 3000, 'image/jpeg', noise);
    const maxSize = 1_500_000;
    expect(photo.size, 'the picked photo is over max-size').to.be.greaterThan(maxSize);
    const el = await element(`resize-width="800" resize-height="800" max-size="${maxSize}"`);
    const events = record(el);
    const started = oneEvent(el, 'upload-start');
    const done = complete(el, photo);
    // From the next task on: decoding, drawing and encoding all happen before the sign step.
    await new Promise((resolve) => setTimeout(resolve));
    const longTasks = watchLongTasks();
    await started;
    const tasks = longTasks();
    const detail = await done;
    expect(events.names()).not.to.include('file-reject');
    expect(detail.file, 'detail.file is the picked file').to.equal(photo);
    const object = await stored(detail.key);
    expect(object.size).to.be.below(maxSize);
    expect(object.contentType).to.equal('image/jpeg');
    const image = await decoded(await storedBlob(detail.key));
    expect([image.width, image.height]).to.deep.equal([800, 600]);
    expect(events.last<UploadProgressDetail>('upload-progress')).to.deep.include({ loaded: object.size, total: object.size });
    expect(detail.registration, 'the register body describes the uploaded image').to.deep.include({ size: object.size, contentType: 'image/jpeg' });
    expect(el.files[0]).to.deep.include({ file: photo, total: object.size, loaded: object.size });
    // Long tasks are timing: the bench (npm run bench:resize) reports them; here they are only logged.
    if (tasks.some((ms) => ms > 50)) console.info('long tasks while resizing a 12 MP photo (ms):', tasks.join(', '));
  });

  skipIn(['firefox'], 'Firefox cannot decode the EXIF JPEG this test builds (InvalidStateError)')('applies the EXIF orientation and drops the other metadata', async () => {
    const landscape = await drawnImage('portrait.jpg', 600, 400, 'image/jpeg', halves);
    const photo = await withExifOrientation(landscape, 6);
    const source = await decoded(photo);
    expect([source.width, source.height], 'the fixture is a portrait once turned').to.deep.equal([400, 600]);
    expect(await hasExif(photo)).to.equal(true);

    const el = await element('resize-width="200" resize-height="200"');
    const { key } = await complete(el, photo);
    const blob = await storedBlob(key);
    expect(await hasExif(blob), 'no EXIF left').to.equal(false);
    const image = await decoded(blob);
    expect([image.width, image.height]).to.deep.equal([133, 200]);
    // Turned 90° clockwise: the left (red) half is now on top, the right (blue) half below.
    const [r1, , b1] = image.pixel(66, 10);
    const [r2, , b2] = image.pixel(66, 190);
    expect(r1).to.be.greaterThan(200);
    expect(b1).to.be.below(60);
    expect(b2).to.be.greaterThan(200);
    expect(r2).to.be.below(60);
  });

  it('keeps a PNG a PNG, and shows a thumbnail drawn from the same decode', async () => {
    const png = await drawnImage('chart.png', 1000, 800, 'image/png', halves);
    const el = await element('resize-width="500"');
    const { key } = await complete(el, png);
    const object = await stored(key);
    expect(object.contentType).to.equal('image/png');
    expect(key).to.match(/chart\.png$/);
    const image = await decoded(await storedBlob(key));
    expect([image.width, image.height]).to.deep.equal([500, 400]);
    await el.updateComplete;
    const thumbnail = el.shadowRoot!.querySelector<HTMLImageElement>('img[part=thumbnail]')!;
    await thumbnail.decode();
    expect(thumbnail.naturalHeight, 'the preview, not the picked file').to.equal(96);
  });

  it('writes resize-type, with the name and Content-Type to match', async () => {
    const png = await drawnImage('scan.png', 900, 900, 'image/png', noise);
    const el = await element('resize-width="300" resize-height="300" resize-type="image/webp" resize-quality="0.5"');
    const detail = await complete(el, png);
    if (!canEncodeWebp()) {
      // WebKit has no WebP encoder: the image keeps its type, as the README says.
      expect(detail.key).to.match(/scan\.png$/);
      return;
    }
    expect(detail.key).to.match(/scan\.webp$/);
    expect(detail.registration).to.deep.include({ contentType: 'image/webp' });
    expect((await stored(detail.key)).contentType).to.equal('image/webp');
    const image = await decoded(await storedBlob(detail.key));
    expect([image.width, image.height]).to.deep.equal([300, 300]);
  });

  it('uploads the original when the resized image would have more bytes', async () => {
    const tiny = await drawnImage('tiny.jpg', 1000, 1000, 'image/jpeg', noise, 0.05);
    const el = await element('resize-width="990" resize-quality="1"');
    const { key } = await complete(el, tiny);
    expect(await stored(key)).to.deep.include({ size: tiny.size, sha256: await sha256(tiny) });
  });

  it('uploads an image the browser cannot decode untouched', async () => {
    const broken = randomFile('broken.jpg', 20_000, 'image/jpeg');
    const el = await element('resize-width="100"');
    const { key } = await complete(el, broken);
    expect(await stored(key)).to.deep.include({ size: broken.size, sha256: await sha256(broken), contentType: 'image/jpeg' });
    expect(el.shadowRoot!.querySelector('img[part=thumbnail]'), 'a badge, not a broken image').to.equal(null);
  });

  it('refuses with reason size an image still over max-size once resized, before any request', async () => {
    const photo = await drawnImage('huge.jpg', 2000, 2000, 'image/jpeg', noise);
    const el = await element('resize-width="1500" max-size="20000"');
    const events = record(el);
    const rejected = oneEvent(el, 'file-reject');
    el.addFiles([photo]);
    const { detail } = (await rejected) as CustomEvent<FileRejectDetail>;
    expect(detail).to.deep.include({ file: photo, reason: 'size' });
    expect(events.names()).to.deep.equal(['file-reject']);
    expect(el.files).to.deep.equal([]);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.rejected')?.textContent).to.include('huge.jpg');
  });

  it('checks max-size up front when there is no resizing, and for files it does not resize', async () => {
    const el = await element('resize-width="100" max-size="1000"');
    const events = record(el);
    el.addFiles([randomFile('notes.pdf', 2000, 'application/pdf')]);
    expect(events.seen.map((event) => (event.detail as FileRejectDetail).reason)).to.deep.equal(['size']);
  });
});
