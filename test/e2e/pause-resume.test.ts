// Pause and resume end to end, on real storage (the dev storage, or radosgw when S3_ENDPOINT is
// set), requests through the fault proxy so that they are slow enough to pause and are counted.
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import type { UploadCompleteDetail, UploadEventDetail } from '../../src/events.js';
import type { PresignedUploaderElement } from '../../src/presigned-uploader-element.js';
import { faultCounters as counters, newToken } from '../helpers/fault-counters.js';
import { randomFile, sha256 } from '../helpers/files.js';
import { requireTestEnv } from '../helpers/test-env.js';
import { record, uploader } from '../helpers/uploader.js';

const api = await requireTestEnv('E2E_API_URL');
const kind = await requireTestEnv('E2E_STORAGE_KIND');
const MIB = 1024 * 1024;

async function expectStored(key: string, file: File): Promise<void> {
  const response = await fetch(`${api}/object`, { method: 'POST', body: JSON.stringify({ key }) });
  expect(await response.json()).to.deep.include({ size: file.size, sha256: await sha256(file) });
}

async function pauseAndResume(el: PresignedUploaderElement, pauseWhen: () => Promise<boolean>): Promise<UploadCompleteDetail> {
  const events = record(el, ['upload-pause', 'upload-resume', 'upload-error']);
  await waitUntil(pauseWhen, 'the upload got under way', { timeout: 30_000 });
  const paused = oneEvent(el, 'upload-pause');
  el.pause();
  const { id } = el.files[0]!;
  expect(((await paused) as CustomEvent<UploadEventDetail>).detail).to.deep.include({ id, file: el.files[0]!.file });
  expect(el.files[0]!.status).to.equal('paused');
  await el.updateComplete;
  expect(el.shadowRoot!.querySelector('.file .status')!.textContent).to.equal('Paused');
  const complete = oneEvent(el, 'upload-complete');
  const resumeButton = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.file button')].find((b) => b.textContent === 'Resume')!;
  resumeButton.click();
  const detail = ((await complete) as CustomEvent<UploadCompleteDetail>).detail;
  expect(events.names()).to.deep.equal(['upload-pause', 'upload-resume']);
  return detail;
}

describe(`pause and resume on ${kind}`, function () {
  this.timeout(120_000);

  it('pauses a 40 MiB multipart upload between parts; after resume each part is stored once, the object byte-identical', async () => {
    const token = newToken('pause-multipart');
    // Each part takes 300 ms more, so a pause lands with some parts stored and others in flight.
    const el = await uploader(
      `endpoint="${api}/sign-put" multipart-endpoint="${api}/multipart?proxy=delay-300&token=${token}" ` +
        `multipart-threshold="${10 * MIB}" register-endpoint="${api}/register" retry-delay="50"`,
    );
    const file = randomFile('paused.bin', 40 * MIB, 'application/octet-stream');
    el.addFiles([file]);
    const detail = await pauseAndResume(el, async () => (await counters(token)).stored >= 2);
    await expectStored(detail.key, file);
    // 40 MiB in 8 MiB parts: 5 parts, none stored twice. (A part in flight at the pause whose bytes
    // were all out may be stored without the proxy seeing the answer: the resume lists it, and
    // does not send it again.)
    const { stored, storedKeys } = await counters(token);
    expect(stored).to.be.at.most(5);
    expect(Object.values(storedKeys).filter((count) => count > 1), JSON.stringify(storedKeys)).to.deep.equal([]);
    expect(Object.keys(storedKeys).every((target) => /#[1-5]$/.test(target)), JSON.stringify(storedKeys)).to.equal(true);
  });

  it('pauses a single POST; resume sends it again from the first byte and completes', async () => {
    const token = newToken('pause-post');
    // Storage sees each POST 1 s late: time to pause it in flight.
    const el = await uploader(`endpoint="${api}/sign?status=201&proxy=delay-1000&token=${token}" register-endpoint="${api}/register" retry-delay="50"`);
    const file = randomFile('paused.pdf', 3 * MIB, 'application/pdf');
    el.addFiles([file]);
    const detail = await pauseAndResume(el, async () => el.files[0]?.status === 'uploading' && (await counters(token)).requests >= 1);
    await expectStored(detail.key, file);
    const { requests, stored } = await counters(token);
    expect(requests, 'sent twice').to.equal(2);
    expect(stored).to.equal(1);
  });

  it('offers pause all while more than one file runs, and resume all once all are paused', async () => {
    const token = newToken('pause-all');
    const el = await uploader(`endpoint="${api}/sign?status=204&proxy=delay-1000&token=${token}" multiple`);
    el.addFiles([randomFile('a.bin', 1000), randomFile('b.bin', 1000)]);
    await el.updateComplete;
    const totalButton = () => el.shadowRoot!.querySelector<HTMLButtonElement>('.total button');
    expect(totalButton()?.textContent).to.equal('Pause all');
    totalButton()!.click();
    expect(el.files.map((upload) => upload.status)).to.deep.equal(['paused', 'paused']);
    await el.updateComplete;
    expect(totalButton()?.textContent).to.equal('Resume all');
    await expect(el).to.be.accessible();
    const done = Promise.all([oneEvent(el, 'upload-complete'), waitUntil(() => el.files.every((upload) => upload.status === 'complete'), 'both complete', { timeout: 30_000 })]);
    totalButton()!.click();
    await done;
  });
});
