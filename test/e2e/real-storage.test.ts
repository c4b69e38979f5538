// Real uploads through the element to real storage (the dev storage, or radosgw when
// S3_ENDPOINT is set), in a page with no service worker, so progress is real too.
import { expect, oneEvent } from '@open-wc/testing';
import type { PresignedUploaderElement } from '../../src/presigned-uploader-element.js';
import type { UploadCompleteDetail, UploadErrorDetail, UploadProgressDetail } from '../../src/events.js';
import { requireTestEnv } from '../helpers/test-env.js';
import { record, settle, uploader } from '../helpers/uploader.js';
import { randomFile, sha256 } from '../helpers/files.js';

const api = await requireTestEnv('E2E_API_URL');
const kind = await requireTestEnv('E2E_STORAGE_KIND');

async function stored(key: string): Promise<{ size: number; sha256: string }> {
  const response = await fetch(`${api}/object`, { method: 'POST', body: JSON.stringify({ key }) });
  expect(response.status, `object ${key} is stored`).to.equal(200);
  return response.json();
}

function element(query: string, extra = ''): Promise<PresignedUploaderElement> {
  return uploader(`endpoint="${api}/sign?${query}" register-endpoint="${api}/register" retry-delay="50" ${extra}`);
}

describe(`real uploads to ${kind}`, function () {
  this.timeout(120_000);

  it('runs in a page that no service worker controls', () => {
    expect(navigator.serviceWorker.controller).to.equal(null);
  });

  for (const status of [201, 200, 204]) {
    it(`stores the file and registers it, storage answering ${status}`, async () => {
      const el = await element(`status=${status}`);
      const file = randomFile('report 1.pdf', 12_345, 'application/pdf');
      const done = await settle(el, [file]);
      expect(done.type, JSON.stringify(done.detail.error)).to.equal('upload-complete');
      const detail = done.detail as UploadCompleteDetail;
      expect(detail.key).to.match(/^e2e\/[0-9a-f-]+\/report-1\.pdf$/);
      expect(detail.registration).to.deep.include({ key: detail.key, size: 12_345, contentType: 'application/pdf' });
      if (status === 201) {
        expect(detail.etag).to.match(/^[0-9a-f]{32}$/);
        expect(detail.location).to.be.a('string');
      }
      expect(await stored(detail.key)).to.deep.include({ size: 12_345, sha256: await sha256(file) });
    });
  }

  it('sends a ${filename} key as is and reports the key storage stored', async () => {
    const el = await element('key=variable&status=201');
    const done = await settle(el, [randomFile('photo (2).jpg', 999, 'image/jpeg')]);
    const { key } = done.detail as UploadCompleteDetail;
    expect(key).to.match(/^e2e\/[0-9a-f-]+\/photo \(2\)\.jpg$/);
    expect((await stored(key)).size).to.equal(999);
  });

  it('reports progress that never decreases and ends with loaded === total', async () => {
    const el = await element('status=204');
    const events = record(el, ['upload-progress']);
    const file = randomFile('big.bin', 24 * 1024 * 1024);
    const done = await settle(el, [file]);
    expect(done.type).to.equal('upload-complete');
    const progress = events.seen.map((event) => event.detail as UploadProgressDetail);
    expect(progress.length).to.be.greaterThan(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.loaded).to.be.at.least(progress[i - 1]!.loaded);
    expect(progress.at(-1)).to.deep.include({ loaded: file.size, total: file.size, percent: 100 });
    for (const { loaded, total, percent } of progress) {
      expect(total).to.equal(file.size);
      expect(percent).to.be.closeTo((loaded / total) * 100, 1e-9);
    }
  });

  for (const [label, query] of [
    ['only the policy says it has expired', 'hide-expiry=1'],
    ['the sign answer has already expired', ''],
  ] as const) {
    it(`signs once more when ${label}, without counting a retry`, async () => {
      const token = `expired-${label.length}-${Date.now()}`;
      const el = await element(`expire=once&token=${token}&${query}`, 'retries="0"');
      const done = await settle(el, [randomFile('late.txt', 100, 'text/plain')]);
      expect(done.type, JSON.stringify(done.detail.error)).to.equal('upload-complete');
      const signs = await (await fetch(`${api}/signs`)).json();
      expect(signs[token]).to.equal(2);
    });
  }

  for (const [label, query, file, codes] of [
    ['a tampered signature', 'tamper=1', randomFile('a.txt', 10, 'text/plain'), ['SignatureDoesNotMatch', 'AccessDenied']],
    ['a file larger than the policy allows', 'max=100', randomFile('big.txt', 101, 'text/plain'), ['EntityTooLarge']],
    ['a file smaller than the policy allows', 'min=100', randomFile('small.txt', 99, 'text/plain'), ['EntityTooSmall']],
    ['a field the policy does not cover', 'extra=1', randomFile('a.txt', 10, 'text/plain'), ['AccessDenied']],
  ] as const) {
    it(`fails the upload for ${label}, with storage's code and a message`, async () => {
      // The sign body announces an allowed size, so that storage, not the sign handler, refuses.
      const el = await element(query, `retries="0" sign-body='{"filename":"{name}","contentType":"{type}","size":100}'`);
      const done = await settle(el, [file]);
      expect(done.type).to.equal('upload-error');
      const { stage, error } = done.detail as UploadErrorDetail;
      expect(stage).to.equal('upload');
      expect(codes).to.include(error.code);
      expect(error.status).to.be.within(400, 499);
      expect(error.message.length).to.be.greaterThan(0);
      expect(el.files[0]!.status).to.equal('error');
    });
  }

  it('stores a 100 MB file byte-identical', async function () {
    this.timeout(300_000);
    const el = await element('status=201');
    const file = randomFile('hundred.bin', 100 * 1024 * 1024);
    const complete = oneEvent(el, 'upload-complete');
    el.addFiles([file]);
    const { key } = (await complete).detail as UploadCompleteDetail;
    expect(await stored(key)).to.deep.include({ size: file.size, sha256: await sha256(file) });
  });
});
