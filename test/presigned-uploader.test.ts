import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import type { UploadCompleteDetail, UploadErrorDetail, UploadProgressDetail } from '../src/events.js';
import { makeFile } from './helpers/files.js';
import type { JsonBodyType } from 'msw';
import { http, HttpResponse, worker } from './helpers/msw.js';
import { record, settle, uploader } from './helpers/uploader.js';

const STORAGE = 'https://storage.test/bucket';

interface StorageRequest {
  entries: Array<[string, FormDataEntryValue]>;
  headers: Headers;
  credentials: RequestCredentials;
}

/** A storage stand-in that records each form it gets. Real storage behaviour is proven in test/e2e. */
function mockStorage(respond: (form: FormData) => Response = () => new HttpResponse(null, { status: 204 })) {
  const requests: StorageRequest[] = [];
  worker.use(
    http.post(STORAGE, async ({ request }) => {
      const form = await request.formData();
      requests.push({ entries: [...form.entries()], headers: request.headers, credentials: request.credentials });
      return respond(form);
    }),
  );
  return requests;
}

/** A register endpoint that takes calls and never answers: resolves when the first call comes. */
function registerNeverAnswering(): Promise<void> {
  return new Promise<void>((resolve) => worker.use(http.post('/api/register', () => (resolve(), new Promise<Response>(() => {})))));
}

/** A JSON endpoint that records the bodies and headers it gets. */
function mockJson(url: string, answer: JsonBodyType | ((body: unknown) => Response | Promise<Response>)) {
  const requests: Array<{ body: unknown; headers: Headers }> = [];
  worker.use(
    http.post(url, async ({ request }) => {
      const body = await request.json();
      requests.push({ body, headers: request.headers });
      return typeof answer === 'function' ? answer(body) : HttpResponse.json(answer);
    }),
  );
  return requests;
}

const awsAnswer = {
  url: STORAGE,
  fields: { key: 'uploads/abc/${filename}', 'Content-Type': 'image/jpeg', Policy: 'UE9MSUNZ', 'X-Amz-Signature': 'sig' },
};

describe('<presigned-uploader>', () => {
  // Owed register calls live in localStorage; each test starts with none.
  beforeEach(() => localStorage.clear());

  it('signs, posts straight to storage with the file last, registers, and completes', async () => {
    const sign = mockJson('/api/sign', awsAnswer);
    const storage = mockStorage();
    const register = mockJson('/api/register', { id: 42 });
    const el = await uploader('endpoint="/api/sign" register-endpoint="/api/register"');
    const events = record(el);
    const file = makeFile('cat.jpg', 2048);

    const done = await settle(el, [file]);

    expect(done.type).to.equal('upload-complete');
    expect(sign[0]!.body).to.deep.equal({ filename: 'cat.jpg', contentType: 'image/jpeg', size: 2048 });
    expect(storage[0]!.entries.map(([name]) => name)).to.deep.equal(['key', 'Content-Type', 'Policy', 'X-Amz-Signature', 'file']);
    const sent = storage[0]!.entries[4]![1] as File;
    expect(sent.name).to.equal('cat.jpg');
    expect(new Uint8Array(await sent.arrayBuffer())).to.deep.equal(new Uint8Array(await file.arrayBuffer()));
    expect(register[0]!.body).to.deep.equal({ key: 'uploads/abc/cat.jpg', filename: 'cat.jpg', contentType: 'image/jpeg', size: 2048 });
    const detail = done.detail as UploadCompleteDetail;
    expect(detail).to.deep.include({ file, key: 'uploads/abc/cat.jpg', registration: { id: 42 } });
    expect(detail.id).to.equal(el.files[0]!.id);
    expect(events.names()[0]).to.equal('upload-start');
    expect(events.names().at(-1)).to.equal('upload-complete');
    const progress = events.last<UploadProgressDetail>('upload-progress');
    expect(progress).to.deep.include({ loaded: 2048, total: 2048, percent: 100 });
    expect(el.files[0]).to.deep.include({ status: 'complete', key: 'uploads/abc/cat.jpg', loaded: 2048, total: 2048 });
    expect(done.bubbles && done.composed).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('sends the headers property to sign and register only, never to storage', async () => {
    const sign = mockJson('/api/sign', awsAnswer);
    const storage = mockStorage();
    const register = mockJson('/api/register', {});
    const el = await uploader('endpoint="/api/sign" register-endpoint="/api/register"');
    el.headers = { Authorization: 'Bearer secret', 'X-CSRF-Token': 'csrf' };
    await settle(el, [makeFile()]);
    for (const request of [sign[0]!, register[0]!]) {
      expect(request.headers.get('authorization')).to.equal('Bearer secret');
      expect(request.headers.get('x-csrf-token')).to.equal('csrf');
    }
    expect(storage[0]!.headers.get('authorization')).to.equal(null);
    expect(storage[0]!.headers.get('x-csrf-token')).to.equal(null);
    expect(storage[0]!.credentials).to.not.equal('include');
    expect(storage[0]!.headers.get('content-type')).to.match(/^multipart\/form-data; boundary=/);
  });

  it('drives seed 000 (formAttributes/formInputs) by HTML alone', async () => {
    const sign = mockJson('/v1_upload/s3_upload_person_file', {
      formAttributes: { action: STORAGE, method: 'POST', enctype: 'multipart/form-data', key: '1/person/15/1670972404/' },
      formInputs: { acl: 'private', 'Content-Type': 'image/jpeg', key: '1/person/15/1670972404/', Policy: 'P', 'X-Amz-Signature': 'S' },
      person_id: '15',
      customer_id: '1',
    });
    const storage = mockStorage();
    const register = mockJson('/v1_files/person_file', { file_url: 'https://cdn.test/1/person/15/1670972404/file-name.jpg' });
    const el = await uploader(`endpoint="/v1_upload/s3_upload_person_file"
      sign-body='{"file_type":"{type}","person_id":"15"}'
      register-endpoint="/v1_files/person_file"
      register-body='{"file_name":"{key}","document_type_id":6,"file_title":"{name}","file_description":"Uploaded {name}","person_id":"15"}'`);

    const done = await settle(el, [makeFile('file-name.jpg')]);

    expect(sign[0]!.body).to.deep.equal({ file_type: 'image/jpeg', person_id: '15' });
    expect(storage[0]!.entries.find(([name]) => name === 'key')![1]).to.equal('1/person/15/1670972404/file-name.jpg');
    expect(register[0]!.body).to.deep.equal({
      file_name: '1/person/15/1670972404/file-name.jpg',
      document_type_id: 6,
      file_title: 'file-name.jpg',
      file_description: 'Uploaded file-name.jpg',
      person_id: '15',
    });
    expect((done.detail as UploadCompleteDetail).registration).to.deep.equal({
      file_url: 'https://cdn.test/1/person/15/1670972404/file-name.jpg',
    });
  });

  it('drives seed 003 (success envelope, ${filename}, file_id as form value) by HTML alone', async () => {
    const sign = mockJson('/v2/task/form/file', {
      success: true,
      value: {
        file_id: 111,
        url: STORAGE,
        expires: '2099-02-03 03:04:00',
        file_field_name: 'file',
        fields: { policy: 'P', key: 'user/user1/${filename}', success_action_status: '201', 'x-amz-signature': 'S' },
      },
    });
    const storage = mockStorage((form) => {
      const key = String(form.get('key')).replace('${filename}', (form.get('file') as File).name);
      return new HttpResponse(
        `<?xml version="1.0" encoding="UTF-8"?><PostResponse><Location>${STORAGE}/${key}</Location><Bucket>bucket</Bucket><Key>${key}</Key><ETag>"e7a1"</ETag></PostResponse>`,
        { status: 201, headers: { 'Content-Type': 'application/xml' } },
      );
    });
    const form = document.createElement('form');
    document.body.append(form);
    form.innerHTML = `<presigned-uploader name="file1" endpoint="/v2/task/form/file"
      sign-body='{"task_id":11231,"field_id":"file1","size":"{size}","filename":"{name}"}'></presigned-uploader>`;
    const el = form.querySelector('presigned-uploader')!;
    await el.updateComplete;

    const done = await settle(el, [makeFile('actual_file_name.png', 300, 'image/png')]);

    expect(sign[0]!.body).to.deep.equal({ task_id: 11231, field_id: 'file1', size: 300, filename: 'actual_file_name.png' });
    expect(storage[0]!.entries.map(([name]) => name)).to.deep.equal(['policy', 'key', 'success_action_status', 'x-amz-signature', 'file']);
    expect(storage[0]!.entries[1]![1]).to.equal('user/user1/${filename}');
    expect(done.detail).to.deep.include({
      key: 'user/user1/actual_file_name.png',
      fileId: 111,
      etag: 'e7a1',
      location: `${STORAGE}/user/user1/actual_file_name.png`,
    });
    expect(new FormData(form).getAll('file1')).to.deep.equal(['111']);
    expect(el.files[0]).to.deep.include({ status: 'complete', fileId: 111, key: 'user/user1/actual_file_name.png' });
    form.remove();
  });

  it('surfaces a seed 003 refusal with its code, whatever the HTTP status', async () => {
    for (const status of [200, 400]) {
      mockJson('/v2/task/form/file', () =>
        HttpResponse.json({ success: false, status: { code: 267, description: 'Too many entities' } }, { status }),
      );
      const el = await uploader('endpoint="/v2/task/form/file" retries="0"');
      const done = await settle(el, [makeFile()]);
      expect(done.type).to.equal('upload-error');
      expect(done.detail).to.deep.include({ stage: 'sign', error: { code: '267', message: 'Too many entities', status } });
    }
  });

  it('reads a backend refusal as { error: { code, message } } (presigned-uploader/server) or { code, message }', async () => {
    for (const body of [{ error: { code: 'TypeNotAllowed', message: 'No text files here.' } }, { code: 'TypeNotAllowed', message: 'No text files here.' }]) {
      mockJson('/api/sign', () => HttpResponse.json(body, { status: 415 }));
      const el = await uploader('endpoint="/api/sign"');
      const done = await settle(el, [makeFile()]);
      expect(done.detail).to.deep.include({ stage: 'sign', error: { code: 'TypeNotAllowed', message: 'No text files here.', status: 415 } });
    }
  });

  for (const [status, retried] of [[500, true], [503, true], [408, true], [429, true], [400, false], [401, false], [403, false], [404, false]] as const) {
    it(`${retried ? 'retries' : 'never retries'} a sign answer of HTTP ${status}`, async () => {
      let calls = 0;
      mockJson('/api/sign', () => (++calls <= 2 ? HttpResponse.json({ message: 'nope' }, { status }) : HttpResponse.json(awsAnswer)));
      mockStorage();
      const el = await uploader('endpoint="/api/sign" retries="3" retry-delay="1"');
      const done = await settle(el, [makeFile()]);
      expect(done.type).to.equal(retried ? 'upload-complete' : 'upload-error');
      expect(calls).to.equal(retried ? 3 : 1);
    });
  }

  it('says what is missing from a sign answer that fits no shape', async () => {
    mockJson('/api/sign', { fields: { key: 'k' } });
    const el = await uploader('endpoint="/api/sign"');
    const done = await settle(el, [makeFile()]);
    expect((done.detail as UploadErrorDetail).stage).to.equal('sign');
    expect((done.detail as UploadErrorDetail).error.message).to.equal('sign response: missing "url"');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=error]')!.textContent).to.contain('sign response: missing "url"');
  });

  it('turns S3 error XML into an upload error with its code and message', async () => {
    mockJson('/api/sign', awsAnswer);
    mockStorage(() =>
      new HttpResponse('<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Extra input fields: acl</Message></Error>', {
        status: 403,
      }),
    );
    const el = await uploader('endpoint="/api/sign" retries="0"');
    const done = await settle(el, [makeFile()]);
    expect(done.detail).to.deep.include({
      stage: 'upload',
      error: { code: 'AccessDenied', message: 'Invalid according to Policy: Extra input fields: acl', status: 403 },
    });
    expect(el.files[0]!).to.deep.include({
      status: 'error',
      error: { code: 'AccessDenied', message: 'Invalid according to Policy: Extra input fields: acl', status: 403 },
    });
    await expect(el).to.be.accessible();
  });

  it('explains status 0 as a network or CORS failure', async () => {
    mockJson('/api/sign', awsAnswer);
    worker.use(http.post(STORAGE, () => HttpResponse.error()));
    const el = await uploader('endpoint="/api/sign" retries="0"');
    const done = await settle(el, [makeFile()]);
    const { stage, error } = done.detail as UploadErrorDetail;
    expect(stage).to.equal('upload');
    expect(error).to.deep.include({ code: 'NetworkError', status: 0 });
    expect(error.message).to.contain('CORS');
  });

  it('never registers again nor re-uploads when only register failed', async () => {
    mockJson('/api/sign', awsAnswer);
    const storage = mockStorage();
    let fail = true;
    const register = mockJson('/api/register', () => (fail ? HttpResponse.json({ message: 'db down' }, { status: 503 }) : HttpResponse.json({ ok: 1 })));
    const el = await uploader('endpoint="/api/sign" register-endpoint="/api/register" retries="1" retry-delay="1"');
    const failed = await settle(el, [makeFile()]);
    expect(failed.detail).to.deep.include({ stage: 'register', error: { code: 'HTTP503', message: 'db down', status: 503 } });
    expect(register.length).to.equal(2);
    fail = false;
    const done = oneEvent(el, 'upload-complete');
    el.retry();
    expect((await done).detail.registration).to.deep.equal({ ok: 1 });
    expect(storage.length).to.equal(1);
  });

  it('keeps a register call that failed for good, and the next page with the same uploader finishes it', async () => {
    mockJson('/api/sign', { ...awsAnswer, fileId: 'f-1' });
    const storage = mockStorage();
    let fail = true;
    const register = mockJson('/api/register', () => (fail ? HttpResponse.json({}, { status: 502 }) : HttpResponse.json({ id: 9 })));
    const first = await uploader('endpoint="/api/sign" register-endpoint="/api/register" retries="0"');
    const failed = await settle(first, [makeFile('kept.jpg', 700)]);
    expect(failed.detail).to.deep.include({ stage: 'register' });
    const { id } = failed.detail as UploadErrorDetail;
    first.remove();

    // A later page: same register endpoint, backend healthy again, no file picked.
    fail = false;
    const next = document.createElement('presigned-uploader');
    next.setAttribute('endpoint', '/api/sign');
    next.setAttribute('register-endpoint', '/api/register');
    next.setAttribute('name', 'files');
    const done = oneEvent(next, 'upload-complete');
    document.body.append(next);
    const detail = (await done).detail;
    expect(detail).to.deep.include({ id, key: 'uploads/abc/kept.jpg', fileId: 'f-1', registration: { id: 9 } });
    expect(detail.file.name).to.equal('kept.jpg');
    expect(register.map((r) => r.body)).to.deep.equal([
      { key: 'uploads/abc/kept.jpg', filename: 'kept.jpg', contentType: 'image/jpeg', size: 700, fileId: 'f-1' },
      { key: 'uploads/abc/kept.jpg', filename: 'kept.jpg', contentType: 'image/jpeg', size: 700, fileId: 'f-1' },
    ]);
    expect(storage.length, 'the bytes are never uploaded twice').to.equal(1);
    expect(next.files[0]).to.deep.include({ status: 'complete', total: 700, loaded: 700 });
    await next.updateComplete;
    // Finished: a third page has nothing left to do.
    const third = await uploader('endpoint="/api/sign" register-endpoint="/api/register"');
    await new Promise((r) => setTimeout(r, 50));
    expect(third.files).to.deep.equal([]);
    next.remove();
  });

  // Firefox showed it: its test page often loads after the first upload, and the recovery an
  // uploader runs on load took over its own failed register call, which then ran twice.
  it('leaves an owed register call to the uploader on the page that still holds it', async () => {
    mockJson('/api/sign', awsAnswer);
    const storage = mockStorage();
    const register = mockJson('/api/register', () => HttpResponse.json({}, { status: 502 }));
    const holder = await uploader('endpoint="/api/sign" register-endpoint="/api/register" retries="0"');
    await settle(holder, [makeFile()]);
    const other = await uploader('endpoint="/api/sign" register-endpoint="/api/register"');
    // Recovery runs a task after connecting; give it that task and a little more.
    await new Promise((r) => setTimeout(r, 50));
    expect(other.files).to.deep.equal([]);
    expect(register.length).to.equal(1);
    expect(storage.length).to.equal(1);
  });

  it('drops an owed register call when its upload is cancelled or removed', async () => {
    mockJson('/api/sign', awsAnswer);
    mockStorage();
    mockJson('/api/register', () => HttpResponse.json({}, { status: 502 }));
    const el = await uploader('endpoint="/api/sign" register-endpoint="/api/register" retries="0"');
    const failed = await settle(el, [makeFile()]);
    expect(Object.keys(localStorage).length).to.equal(1);
    el.removeFile((failed.detail as UploadErrorDetail).id);
    expect(Object.keys(localStorage).length).to.equal(0);
  });

  it('drops the owed register call of an upload cancelled while registering', async () => {
    mockJson('/api/sign', awsAnswer);
    mockStorage();
    const reached = registerNeverAnswering();
    const el = await uploader('endpoint="/api/sign" register-endpoint="/api/register"');
    el.addFiles([makeFile()]);
    await reached;
    expect(el.files[0]!.status).to.equal('registering');
    expect(Object.keys(localStorage).length, 'owed while registering').to.equal(1);
    const aborted = oneEvent(el, 'upload-abort');
    el.cancel();
    await aborted;
    expect(Object.keys(localStorage).length).to.equal(0);
  });

  it('signs the next file while one uploads, and with sign-ahead="0" only once a slot is free', async () => {
    mockJson('/api/sign', awsAnswer);
    for (const [attribute, next] of [['sign-ahead="1"', 'signing'], ['sign-ahead="0"', 'queued']] as const) {
      // Storage holds the first POST: the one slot stays busy.
      const posted = new Promise<void>((resolve) => worker.use(http.post(STORAGE, () => (resolve(), new Promise<Response>(() => {})))));
      const el = await uploader(`endpoint="/api/sign" concurrency="1" ${attribute}`);
      el.addFiles([makeFile('a.txt'), makeFile('b.txt')]);
      await posted;
      expect(el.files[1]!.status, attribute).to.equal(next);
      el.cancel();
    }
  });

  it('journals the register call of stored bytes still waiting for a register slot', async () => {
    mockJson('/api/sign', awsAnswer);
    mockStorage();
    const reached = registerNeverAnswering();
    const el = await uploader('endpoint="/api/sign" register-endpoint="/api/register" register-concurrency="1"');
    el.addFiles([makeFile('a.txt'), makeFile('b.txt')]);
    await reached;
    await waitUntil(() => el.files.every((file) => file.status === 'registering'), 'both files stored');
    // One register call is out, the other waits for the slot: a reload now must lose neither.
    expect(Object.keys(localStorage).length).to.equal(2);
    el.cancel();
  });

  it('fills every register placeholder from the storage answer', async () => {
    mockJson('/api/sign', { ...awsAnswer, fileId: 'f-9', fields: { ...awsAnswer.fields, success_action_status: '201' } });
    mockStorage(() =>
      new HttpResponse('<PostResponse><Location>L</Location><Bucket>B</Bucket><Key>K</Key><ETag>"E"</ETag></PostResponse>', { status: 201 }),
    );
    const register = mockJson('/api/register', {});
    const el = await uploader(`endpoint="/api/sign" register-endpoint="/api/register"
      register-body='{"all":"{name}|{type}|{size}|{lastModified}|{key}|{fileId}|{location}|{etag}|{bucket}","size":"{size}","id":"{fileId}"}'`);
    await settle(el, [makeFile('x.jpg', 10)]);
    expect(register[0]!.body).to.deep.equal({ all: 'x.jpg|image/jpeg|10|1700000000000|K|f-9|L|E|B', size: 10, id: 'f-9' });
  });

  it('adds fileId to the default register body when the sign answer gave one', async () => {
    mockJson('/api/sign', { ...awsAnswer, fileId: 7 });
    mockStorage();
    const register = mockJson('/api/register', {});
    const el = await uploader('endpoint="/api/sign" register-endpoint="/api/register"');
    await settle(el, [makeFile('x.jpg', 10)]);
    expect(register[0]!.body).to.deep.equal({ key: 'uploads/abc/x.jpg', filename: 'x.jpg', contentType: 'image/jpeg', size: 10, fileId: 7 });
  });

  for (const [attribute, stage] of [['sign-body', 'sign'], ['register-body', 'register']] as const) {
    it(`reports a ${attribute} that is not JSON as a ${stage} error before any request`, async () => {
      // No handler: any request fails the test through onUnhandledRequest.
      const el = await uploader(`endpoint="/api/sign" register-endpoint="/api/register" ${attribute}='{"a":'`);
      const events = record(el);
      const done = await settle(el, [makeFile()]);
      expect(done.detail).to.deep.include({ stage });
      expect((done.detail as UploadErrorDetail).error.code).to.equal('InvalidTemplate');
      expect(events.names()).to.deep.equal(['upload-error']);
      await el.updateComplete;
      expect(el.shadowRoot!.textContent).to.contain(`${attribute} attribute is not valid JSON`);
    });
  }

  it('never sends anything to a URL that is not http(s)', async () => {
    const el = await uploader('endpoint="javascript:alert(1)"');
    const done = await settle(el, [makeFile()]);
    expect(done.detail).to.deep.include({ stage: 'sign' });
    expect((done.detail as UploadErrorDetail).error.code).to.equal('InvalidUrl');
  });

  it('rejects files by type, size and count before any request', async () => {
    const el = await uploader('endpoint="/api/sign" accept="image/*,.pdf" max-size="100" max-files="1" manual');
    const events = record(el, ['file-reject']);
    el.addFiles([makeFile('a.txt', 10, 'text/plain'), makeFile('b.jpg', 101), makeFile('c.pdf', 10, 'application/pdf'), makeFile('d.png', 5, 'image/png')]);
    expect(events.seen.map((e) => [e.detail.file.name, e.detail.reason])).to.deep.equal([
      ['a.txt', 'type'],
      ['b.jpg', 'size'],
      ['d.png', 'count'],
    ]);
    expect(events.seen.every((e) => typeof e.detail.id === 'string')).to.equal(true);
    expect(el.files.map((f) => [f.file.name, f.status])).to.deep.equal([['c.pdf', 'queued']]);
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('b.jpg');
    await expect(el).to.be.accessible();
  });

  it('cancels an upload: upload-abort, status aborted, still listed', async () => {
    let received!: () => void;
    const signing = new Promise<void>((resolve) => (received = resolve));
    worker.use(http.post('/api/sign', () => (received(), new Promise<Response>(() => {}))));
    const el = await uploader('endpoint="/api/sign"');
    const started = oneEvent(el, 'upload-start');
    el.addFiles([makeFile()]);
    const { id } = (await started).detail;
    // Cancel once the sign request is really out, so it cannot reach a later test's handler.
    await signing;
    expect(el.files[0]!.status).to.equal('signing');
    const aborted = oneEvent(el, 'upload-abort');
    el.cancel(id);
    const abort = await aborted;
    expect(abort.detail).to.deep.include({ id, file: el.files[0]!.file });
    expect(abort.bubbles && abort.composed).to.equal(true);
    expect(el.files.map((f) => f.status)).to.deep.equal(['aborted']);
  });

  it('holds files until start() when manual', async () => {
    const sign = mockJson('/api/sign', awsAnswer);
    mockStorage();
    const el = await uploader('endpoint="/api/sign" manual');
    el.addFiles([makeFile()]);
    await new Promise((r) => setTimeout(r, 50));
    expect(sign.length).to.equal(0);
    await expect(el).to.be.accessible();
    const done = oneEvent(el, 'upload-complete');
    el.start();
    await done;
    expect(sign.length).to.equal(1);
  });

  it('renders file names and server messages as text, never as HTML', async () => {
    mockJson('/api/sign', () => HttpResponse.json({ message: '<img src=x onerror="window.__pwned=1">' }, { status: 400 }));
    const el = await uploader('endpoint="/api/sign"');
    await settle(el, [makeFile('<b>bold</b>.jpg')]);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('img:not([part=thumbnail])')).to.equal(null);
    expect(el.shadowRoot!.querySelector('b')).to.equal(null);
    expect(el.shadowRoot!.textContent).to.contain('<b>bold</b>.jpg');
  });

  it('takes part in forms: value per completed file, required validity while empty and while uploading', async () => {
    mockJson('/api/sign', () => new Promise((resolve) => setTimeout(() => resolve(HttpResponse.json(awsAnswer)), 100)));
    mockStorage();
    const form = document.createElement('form');
    form.innerHTML = '<presigned-uploader name="attachments" required endpoint="/api/sign" multiple></presigned-uploader>';
    document.body.append(form);
    const el = form.querySelector('presigned-uploader')!;
    await el.updateComplete;
    expect(form.checkValidity()).to.equal(false);
    expect(el.validity.valueMissing).to.equal(true);
    let completed = 0;
    const both = new Promise<void>((resolve) => el.addEventListener('upload-complete', () => ++completed === 2 && resolve()));
    el.addFiles([makeFile('a.jpg'), makeFile('b.jpg')]);
    await el.updateComplete;
    expect(form.checkValidity()).to.equal(false);
    expect(el.validity.customError).to.equal(true);
    await both;
    await el.updateComplete;
    expect(form.checkValidity()).to.equal(true);
    // In the order the files completed, which the engines' network decides.
    expect(new FormData(form).getAll('attachments').sort()).to.deep.equal(['uploads/abc/a.jpg', 'uploads/abc/b.jpg']);
    form.reset();
    await el.updateComplete;
    expect(el.files).to.deep.equal([]);
    expect(form.checkValidity()).to.equal(false);
    form.remove();
  });

  it('ignores new files while disabled', async () => {
    const el = await uploader('endpoint="/api/sign" disabled');
    el.addFiles([makeFile()]);
    expect(el.files).to.deep.equal([]);
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('button[part=button]')!.disabled).to.equal(true);
  });

  describe('picker, drop and paste', () => {
    const transfer = (...files: File[]) => {
      const data = new DataTransfer();
      for (const file of files) data.items.add(file);
      return data;
    };

    it('the pick button opens the file input, whose files are added', async () => {
      const el = await uploader('endpoint="/api/sign" manual multiple accept="image/*"');
      const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
      expect(input.multiple).to.equal(true);
      expect(input.accept).to.equal('image/*');
      let opened = false;
      input.addEventListener('click', (event) => {
        opened = true;
        event.preventDefault();
      });
      el.shadowRoot!.querySelector<HTMLButtonElement>('button[part=button]')!.click();
      expect(opened).to.equal(true);
      input.files = transfer(makeFile('a.jpg'), makeFile('b.jpg')).files;
      input.dispatchEvent(new Event('change'));
      expect(el.files.map((f) => f.file.name)).to.deep.equal(['a.jpg', 'b.jpg']);
      expect(input.value).to.equal('');
    });

    it('takes dropped files; without multiple it refuses all but the first with reason count', async () => {
      const el = await uploader('endpoint="/api/sign" manual');
      const events = record(el, ['file-reject']);
      const zone = el.shadowRoot!.querySelector('[part=drop-zone]')!;
      const dragover = new DragEvent('dragover', { dataTransfer: transfer(), cancelable: true });
      zone.dispatchEvent(dragover);
      expect(dragover.defaultPrevented).to.equal(true);
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer(makeFile('a.jpg'), makeFile('b.jpg')), cancelable: true }));
      expect(el.files.map((f) => f.file.name)).to.deep.equal(['a.jpg']);
      expect(events.seen.map((e) => [e.detail.file.name, e.detail.reason])).to.deep.equal([['b.jpg', 'count']]);
    });

    it('takes pasted files', async () => {
      const el = await uploader('endpoint="/api/sign" manual multiple');
      const clipboardData = transfer(makeFile('shot.png', 10, 'image/png'));
      const paste = new ClipboardEvent('paste', { clipboardData, bubbles: true });
      // Firefox's constructor copies only the string items of clipboardData (a real paste has
      // the files); hand the event the files the way a real paste would.
      if (!paste.clipboardData?.files.length) Object.defineProperty(paste, 'clipboardData', { value: clipboardData });
      el.dispatchEvent(paste);
      expect(el.files.map((f) => f.file.name)).to.deep.equal(['shot.png']);
    });
  });
});

describe('<presigned-uploader> contract details', () => {
  beforeEach(() => localStorage.clear());

  /** A storage answer that refuses the file named `name` (403 AccessDenied) and stores the others. */
  const refusing = (name: string) => (form: FormData) =>
    (form.get('file') as File).name === name
      ? new HttpResponse('<Error><Code>AccessDenied</Code><Message>No</Message></Error>', { status: 403 })
      : new HttpResponse(null, { status: 204 });

  /** A sign endpoint that never answers `held` files; `seen` resolves once `count` of them asked. */
  function holdSign(held: (filename: string) => boolean, count = 1) {
    const asked: string[] = [];
    let reached!: () => void;
    const seen = new Promise<void>((resolve) => (reached = resolve));
    mockJson('/api/sign', (body) => {
      const { filename } = body as { filename: string };
      if (!held(filename)) return HttpResponse.json(awsAnswer);
      asked.push(filename);
      if (asked.length === count) reached();
      return new Promise<Response>(() => {});
    });
    return { asked, seen };
  }

  it('addFiles() takes every file it is given, with or without multiple', async () => {
    const el = await uploader('endpoint="/api/sign" manual');
    const events = record(el, ['file-reject']);
    el.addFiles([makeFile('a.jpg'), makeFile('b.jpg'), makeFile('c.jpg')]);
    expect(events.seen).to.deep.equal([]);
    expect(el.files.map((f) => [f.file.name, f.status])).to.deep.equal([
      ['a.jpg', 'queued'],
      ['b.jpg', 'queued'],
      ['c.jpg', 'queued'],
    ]);
  });

  it('accepts an exact MIME type and a file of exactly max-size bytes', async () => {
    const el = await uploader('endpoint="/api/sign" accept="application/pdf" max-size="10" manual');
    const events = record(el, ['file-reject']);
    el.addFiles([makeFile('x.bin', 10, 'application/pdf'), makeFile('y.txt', 5, 'text/plain'), makeFile('z.pdf', 11, 'application/pdf')]);
    expect(events.seen.map((e) => [e.detail.file.name, e.detail.reason])).to.deep.equal([
      ['y.txt', 'type'],
      ['z.pdf', 'size'],
    ]);
    expect(el.files.map((f) => f.file.name)).to.deep.equal(['x.bin']);
  });

  it('hands out files as a read-only snapshot', async () => {
    const el = await uploader('endpoint="/api/sign" manual');
    el.addFiles([makeFile('a.jpg')]);
    const files = el.files;
    files.pop();
    expect(el.files).to.have.length(1);
    expect(Object.isFrozen(el.files[0])).to.equal(true);
  });

  it('runs 3 uploads at once by default', async () => {
    const { asked, seen } = holdSign(() => true, 3);
    const el = await uploader('endpoint="/api/sign"');
    el.addFiles(['1', '2', '3', '4', '5'].map((n) => makeFile(`${n}.jpg`)));
    await seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(asked).to.have.length(3);
    expect(el.files.map((f) => f.status)).to.deep.equal(['signing', 'signing', 'signing', 'queued', 'queued']);
  });

  it('retries a retryable storage failure 3 times by default', async () => {
    mockJson('/api/sign', awsAnswer);
    const storage = mockStorage(() => new HttpResponse('<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>', { status: 503 }));
    const el = await uploader('endpoint="/api/sign" retry-delay="1"');
    const done = await settle(el, [makeFile()]);
    expect((done.detail as UploadErrorDetail).error.code).to.equal('SlowDown');
    expect(storage).to.have.length(4);
  });

  it('retry(id) and cancel(id) act on that upload alone', async () => {
    mockJson('/api/sign', awsAnswer);
    let refuse = true;
    const storage = mockStorage(() => (refuse ? new HttpResponse('<Error><Code>AccessDenied</Code><Message>No</Message></Error>', { status: 403 }) : new HttpResponse(null, { status: 204 })));
    const el = await uploader('endpoint="/api/sign" retries="0"');
    let failed = 0;
    const bothFailed = new Promise<void>((resolve) => el.addEventListener('upload-error', () => ++failed === 2 && resolve()));
    el.addFiles([makeFile('a.jpg'), makeFile('b.jpg')]);
    await bothFailed;
    refuse = false;
    const [a] = el.files;
    const completed = oneEvent(el, 'upload-complete');
    el.retry(a!.id);
    expect((await completed).detail.id).to.equal(a!.id);
    expect(el.files.map((f) => f.status)).to.deep.equal(['complete', 'error']);
    expect(storage).to.have.length(3);

    worker.resetHandlers();
    const { seen } = holdSign((filename) => filename === 'c.jpg');
    mockStorage();
    el.addFiles([makeFile('c.jpg'), makeFile('d.jpg')]);
    await seen;
    const [, , c, d] = el.files;
    const dDone = new Promise<void>((resolve) => el.addEventListener('upload-complete', (e) => e.detail.id === d!.id && resolve()));
    el.cancel(c!.id);
    await dDone;
    expect(el.files.map((f) => f.status)).to.deep.equal(['complete', 'error', 'aborted', 'complete']);
  });

  it('counts only completed files in the form value, and the form is invalid while one still uploads', async () => {
    mockJson('/api/sign', awsAnswer);
    mockStorage(refusing('bad.jpg'));
    const form = document.createElement('form');
    form.innerHTML = '<presigned-uploader name="files" required endpoint="/api/sign" retries="0" multiple></presigned-uploader>';
    document.body.append(form);
    const el = form.querySelector('presigned-uploader')!;
    await el.updateComplete;
    let settled = 0;
    const both = new Promise<void>((resolve) => {
      const count = () => ++settled === 2 && resolve();
      el.addEventListener('upload-complete', count);
      el.addEventListener('upload-error', count);
    });
    el.addFiles([makeFile('good.jpg'), makeFile('bad.jpg')]);
    await both;
    await el.updateComplete;
    expect(new FormData(form).getAll('files')).to.deep.equal(['uploads/abc/good.jpg']);
    expect(form.checkValidity()).to.equal(true);

    worker.resetHandlers();
    const { seen } = holdSign(() => true);
    el.addFiles([makeFile('slow.jpg')]);
    await seen;
    await el.updateComplete;
    expect(form.checkValidity()).to.equal(false);
    expect(el.validity.customError).to.equal(true);
    el.cancel();
    form.remove();
  });

  it('fires every event bubbling and composed, each detail with the id and the file', async () => {
    mockJson('/api/sign', awsAnswer);
    mockStorage(refusing('bad.jpg'));
    const el = await uploader('endpoint="/api/sign" accept="image/*" retries="0" multiple');
    const events = record(el);
    const files = [makeFile('good.jpg'), makeFile('bad.jpg'), makeFile('notes.txt', 10, 'text/plain')];
    let settled = 0;
    const both = new Promise<void>((resolve) => {
      const count = () => ++settled === 2 && resolve();
      el.addEventListener('upload-complete', count);
      el.addEventListener('upload-error', count);
    });
    el.addFiles(files);
    await both;
    expect(new Set(events.names())).to.deep.equal(new Set(['file-reject', 'upload-start', 'upload-progress', 'upload-complete', 'upload-error']));
    for (const event of events.seen) {
      expect(event.bubbles && event.composed, event.type).to.equal(true);
      expect(files, event.type).to.include(event.detail.file);
      expect(event.detail.id, event.type).to.be.a('string');
    }
  });

  it('pauses and resumes a queued file: status paused, upload-pause and upload-resume bubbling and composed', async () => {
    const el = await uploader('endpoint="/api/sign" manual');
    const events = record(el, ['upload-pause', 'upload-resume']);
    el.addFiles([makeFile('a.jpg')]);
    const { id, file } = el.files[0]!;
    el.pause(id);
    expect(el.files[0]!.status).to.equal('paused');
    el.resume(id);
    expect(el.files[0]!.status).to.equal('queued');
    expect(events.names()).to.deep.equal(['upload-pause', 'upload-resume']);
    for (const event of events.seen) {
      expect(event.bubbles && event.composed, event.type).to.equal(true);
      expect(event.detail).to.deep.equal({ id, file });
    }
  });

  it('fills {lastModified} in the sign body', async () => {
    const sign = mockJson('/api/sign', awsAnswer);
    mockStorage();
    const el = await uploader(`endpoint="/api/sign" sign-body='{"modified":"{lastModified}","name":"{name}"}'`);
    await settle(el, [makeFile('a.jpg')]);
    expect(sign[0]!.body).to.deep.equal({ modified: 1_700_000_000_000, name: 'a.jpg' });
  });

  describe('multipart', () => {
    const multipart = (threshold = 10) => uploader(`endpoint="/api/sign" multipart-endpoint="/api/multipart" multipart-threshold="${threshold}"`);

    it('says what is missing from a multipart answer, as a sign error', async () => {
      mockJson('/api/multipart', { key: 'uploads/big.bin' });
      const el = await multipart();
      const done = await settle(el, [makeFile('big.bin', 100)]);
      expect(done.detail).to.deep.include({ stage: 'sign' });
      expect((done.detail as UploadErrorDetail).error).to.deep.include({
        code: 'InvalidMultipartResponse',
        message: 'multipart create response: missing "uploadId"',
      });
    });

    it('aborts the multipart upload on storage when cancelled, and forgets it', async () => {
      const calls = mockJson('/api/multipart', (body) => {
        const { action, partNumber } = body as { action: string; partNumber?: number };
        if (action === 'create') return HttpResponse.json({ uploadId: 'up-1', key: 'uploads/big.bin' });
        if (action === 'sign-part') return HttpResponse.json({ url: `${STORAGE}/uploads/big.bin?partNumber=${partNumber}&uploadId=up-1` });
        return HttpResponse.json({});
      });
      let putting!: () => void;
      const reached = new Promise<void>((resolve) => (putting = resolve));
      worker.use(http.put(`${STORAGE}/uploads/big.bin`, () => (putting(), new Promise<Response>(() => {}))));
      const el = await multipart();
      el.addFiles([makeFile('big.bin', 100)]);
      await reached;
      expect(Object.keys(localStorage).some((key) => key.includes('multipart')), 'remembered while it runs').to.equal(true);
      const aborted = oneEvent(el, 'upload-abort');
      el.cancel();
      await aborted;
      await waitUntil(() => calls.some(({ body }) => (body as { action: string }).action === 'abort'), 'no abort call');
      expect(calls.at(-1)!.body).to.deep.equal({ action: 'abort', uploadId: 'up-1', key: 'uploads/big.bin' });
      expect(Object.keys(localStorage)).to.deep.equal([]);
    });
  });
});
