// Presigned PUT and multipart uploads end to end: real uploads through the element to real storage
// (the dev storage, or radosgw when S3_ENDPOINT is set), part URLs through the fault proxy where a
// case needs faults or counts. The backend is presigned-uploader/server's sign (PUT) and multipart
// handlers (test/helpers/node/e2e-backend.ts).
import { expect, oneEvent } from '@open-wc/testing';
import type { UploadCompleteDetail, UploadProgressDetail } from '../../src/events.js';
import type { PresignedUploaderElement } from '../../src/presigned-uploader-element.js';
import { faultCounters as counters, newToken } from '../helpers/fault-counters.js';
import { randomFile, sha256 } from '../helpers/files.js';
import { requireTestEnv } from '../helpers/test-env.js';
import { record, settle, uploader } from '../helpers/uploader.js';

const api = await requireTestEnv('E2E_API_URL');
const kind = await requireTestEnv('E2E_STORAGE_KIND');
const MIB = 1024 * 1024;

async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status, url).to.equal(200);
  return (await response.json()) as T;
}
const stored = (key: string) => postJson<{ size: number; sha256: string; contentType?: string }>(`${api}/object`, { key });

/** PUT for small files, multipart above 10 MiB; `multipart` adds knobs to the multipart endpoint. */
function element(multipart = '', extra = ''): Promise<PresignedUploaderElement> {
  return uploader(
    `endpoint="${api}/sign-put" multipart-endpoint="${api}/multipart${multipart && `?${multipart}`}" multipart-threshold="${10 * MIB}" ` +
      `register-endpoint="${api}/register" retry-delay="50" multiple ${extra}`,
  );
}

async function expectStored(detail: UploadCompleteDetail, file: File): Promise<void> {
  expect(await stored(detail.key)).to.deep.include({ size: file.size, sha256: await sha256(file), contentType: file.type });
}

describe(`presigned PUT and multipart uploads to ${kind}`, function () {
  this.timeout(180_000);

  it('stores a small file with a presigned PUT, as on storage without POST policies (R2)', async () => {
    const el = await element();
    const file = randomFile('notes 1.txt', 54_321, 'text/plain');
    const done = await settle(el, [file]);
    expect(done.type, JSON.stringify(done.detail.error)).to.equal('upload-complete');
    const detail = done.detail as UploadCompleteDetail;
    expect(detail.key).to.match(/^e2e\/[0-9a-f-]+\/notes-1\.txt$/);
    expect(detail.registration).to.deep.include({ key: detail.key, size: 54_321 });
    await expectStored(detail, file);
  });

  it('stores a file above the threshold in parts, byte-identical, with the same events as a POST', async () => {
    const el = await element();
    const events = record(el);
    const file = randomFile('film.mp4', 21 * MIB + 123, 'video/mp4');
    const done = await settle(el, [file]);
    expect(done.type, JSON.stringify(done.detail.error)).to.equal('upload-complete');
    const detail = done.detail as UploadCompleteDetail;
    await expectStored(detail, file);
    expect(detail.registration).to.deep.include({ key: detail.key, size: file.size });
    const names = events.names();
    expect(names[0]).to.equal('upload-start');
    expect(names.at(-1)).to.equal('upload-complete');
    const progress = events.seen.filter((event) => event.type === 'upload-progress').map((event) => (event.detail as UploadProgressDetail).loaded);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).to.be.at.least(progress[i - 1]!);
    expect(progress.at(-1)).to.equal(file.size);
  });

  it('rides through a part dropped mid-body: the part alone is sent again, each part stored once', async () => {
    const token = newToken('drop-part');
    const el = await element(`proxy=drop-1&token=${token}`);
    const file = randomFile('dropped.bin', 33 * MIB, 'application/octet-stream');
    const done = await settle(el, [file]);
    expect(done.type, JSON.stringify(done.detail.error)).to.equal('upload-complete');
    await expectStored(done.detail as UploadCompleteDetail, file);
    // 33 MiB in 8 MiB parts: 5 parts, one of them dropped once.
    expect(await counters(token)).to.deep.include({ faults: 1, stored: 5 });
  });

  it('stores a 1.5 GiB file through a part dropped mid-body, byte-identical', async function () {
    this.timeout(600_000);
    const token = newToken('huge');
    const el = await element(`proxy=drop-1&token=${token}`, 'stall-timeout="0"');
    // 96 blocks of 16 MiB: one random block, each copy led by its own number so no two parts match.
    const block = randomFile('block', 16 * MIB - 8);
    const blocks = Array.from({ length: 96 }, (_, i) => [new Uint8Array(new BigUint64Array([BigInt(i + 1)]).buffer), block]).flat();
    const file = new File(blocks, 'huge.bin', { type: 'application/octet-stream' });
    expect(file.size).to.equal(1.5 * 1024 * MIB);
    const done = await settle(el, [file]);
    expect(done.type, JSON.stringify(done.detail.error)).to.equal('upload-complete');
    const { key } = done.detail as UploadCompleteDetail;
    await expectStored(done.detail as UploadCompleteDetail, file);
    await postJson(`${api}/delete`, { key });
    // 1.5 GiB in 8 MiB parts: 192 parts, one of them dropped once and sent again.
    expect(await counters(token)).to.deep.include({ faults: 1, stored: 192 });
  });

  it('resumes after the page that started the upload is gone: only the missing parts go out', async () => {
    const token = newToken('resume');
    // Each part takes 300 ms more, so the page can go away between the first parts and the last.
    const multipart = `proxy=delay-300&token=${token}`;
    const file = randomFile('resumed.bin', 41 * MIB, 'application/octet-stream');

    // The first page: an iframe of the same origin with its own uploader, closed in mid-upload.
    const frame = document.createElement('iframe');
    frame.srcdoc = `<script type="module">import '/src/presigned-uploader.ts'; document.body.dataset.ready = '1';</script>`;
    document.body.append(frame);
    await new Promise<void>((resolve) => {
      const poll = () => (frame.contentDocument?.body?.dataset['ready'] ? resolve() : setTimeout(poll, 20));
      poll();
    });
    const first = frame.contentDocument!.createElement('presigned-uploader') as PresignedUploaderElement;
    for (const [name, value] of Object.entries({
      endpoint: `${api}/sign-put`,
      'multipart-endpoint': `${api}/multipart?${multipart}`,
      'multipart-threshold': String(10 * MIB),
      'register-endpoint': `${api}/register`,
    })) {
      first.setAttribute(name, value);
    }
    frame.contentDocument!.body.append(first);
    first.addFiles([file]);
    while ((await counters(token)).stored < 2) await new Promise((resolve) => setTimeout(resolve, 25));
    frame.remove();
    const storedBefore = (await counters(token)).stored;
    expect(storedBefore, 'parts stored before the page went away').to.be.at.least(2);

    // The next page: the same file added again continues the same upload.
    const el = await element(multipart);
    const firstProgress = oneEvent(el, 'upload-progress');
    const done = await settle(el, [file]);
    expect(done.type, JSON.stringify(done.detail.error)).to.equal('upload-complete');
    expect((await firstProgress).detail.loaded, 'progress starts from the stored parts').to.be.at.least(16 * MIB);
    await expectStored(done.detail as UploadCompleteDetail, file);
    // 41 MiB: 6 parts in all, none stored twice. (A part whose bytes were all out when the first
    // page went away may be stored without the proxy seeing the answer: it is listed, not resent.)
    const { stored: storedInAll, storedKeys } = await counters(token);
    expect(storedInAll).to.be.at.most(6);
    expect(Object.values(storedKeys).filter((count) => count > 1), JSON.stringify(storedKeys)).to.deep.equal([]);
    expect(Object.keys(storedKeys).every((target) => /#[1-6]$/.test(target)), JSON.stringify(storedKeys)).to.equal(true);
  });
});
