// Both vendor APIs the element grew from, driven by HTML attributes alone, through the demo's
// backend to real storage, in a page with no service worker.
import { expect } from '@open-wc/testing';
import type { UploadCompleteDetail, UploadErrorDetail } from '../../src/events.js';
import '../../src/presigned-uploader.js';
import { requireTestEnv } from '../helpers/test-env.js';
import { settle, uploader } from '../helpers/uploader.js';
import { randomFile } from '../helpers/files.js';

const api = `${await requireTestEnv('DEMO_API_URL')}/api`;

describe('seed flows against real storage', function () {
  this.timeout(60_000);

  it('seed 000: form attributes, the name appended to the key prefix, register with the key, file_url back', async () => {
    const el = await uploader(`endpoint="${api}/seed000/upload_person_file"
      sign-body='{"file_type":"{type}","person_id":15}'
      register-endpoint="${api}/seed000/person_file"
      register-body='{"file_name":"{key}","document_type_id":6,"file_title":"{name}","file_description":"","person_id":15}'`);
    const file = randomFile('file-name.jpg', 4321, 'image/jpeg');
    const done = await settle(el, [file]);
    expect(done.type, JSON.stringify(done.detail.error)).to.equal('upload-complete');
    const { key, registration } = done.detail as UploadCompleteDetail & { registration: Record<string, string> };
    expect(key).to.match(/\/person\/15\/\d+\/file-name\.jpg$/);
    expect(registration).to.deep.include({ file_name: key, file_title: 'file-name.jpg' });
    const stored = await fetch(new URL(registration.file_url!, api));
    expect(stored.status).to.equal(200);
    expect(new Uint8Array(await stored.arrayBuffer())).to.deep.equal(new Uint8Array(await file.arrayBuffer()));
  });

  it('seed 003: envelope, ${filename} key, size as a number, file_id as the form value the vendor accepts', async () => {
    const form = document.createElement('form');
    form.innerHTML = `<presigned-uploader name="file1" required endpoint="${api}/seed003/task/form/file/create"
      sign-body='{"task_id":11231,"field_id":"file1","size":"{size}","filename":"{name}"}'></presigned-uploader>`;
    document.body.append(form);
    const el = form.querySelector('presigned-uploader')!;
    await el.updateComplete;
    const done = await settle(el, [randomFile('actual_file_name.png', 2048, 'image/png')]);
    expect(done.type, JSON.stringify(done.detail.error)).to.equal('upload-complete');
    const { key, fileId } = done.detail as UploadCompleteDetail;
    expect(key).to.match(/\/actual_file_name\.png$/);
    expect(fileId).to.be.a('number');
    await el.updateComplete;
    expect(form.checkValidity()).to.equal(true);
    const values = Object.fromEntries(new FormData(form));
    expect(values).to.deep.equal({ file1: String(fileId) });
    const submitted = await fetch(`${api}/seed003/task/form/submit`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ task_id: 11231, values: { file1: Number(values.file1) } }),
    });
    expect(await submitted.json()).to.deep.include({ success: true });
    form.remove();
  });

  it('seed 003: the vendor refusal (271, too large) is a sign error with its code and words', async () => {
    const el = await uploader(`endpoint="${api}/seed003/task/form/file/create" retries="0"
      sign-body='{"task_id":11232,"field_id":"file1","size":"{size}","filename":"{name}"}'`);
    const done = await settle(el, [randomFile('huge.bin', 17 * 1024 * 1024, 'application/octet-stream')]);
    expect(done.type).to.equal('upload-error');
    const { stage, error } = done.detail as UploadErrorDetail;
    expect(stage).to.equal('sign');
    expect(error.code).to.equal('271');
    expect(error.message).to.match(/larger than the maximum/i);
  });
});
