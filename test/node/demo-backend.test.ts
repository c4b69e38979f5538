// The demo backend `npm start` runs: each of the three set-ups signs, really uploads to the dev
// storage (which checks POST policies) and registers or submits; the bytes come back intact.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDemoBackend, type DemoBackend } from '../../demo/backend/demo-backend.js';

let backend: DemoBackend;
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pu-demo-'));
  // No `s3`: the dev storage, whatever S3_ENDPOINT the environment names.
  backend = await startDemoBackend({ dataDir });
});

after(async () => {
  await backend?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** As the demo user `user` (the page's user switch); without one, the demo's first user, ada. */
async function api(path: string, body: unknown, user?: string): Promise<{ status: number; data: any }> {
  const response = await fetch(`${backend.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(user && { 'X-Demo-User': user }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, data: await response.json() };
}

/** What the element does: the signed fields in order, then the file last. */
async function postToStorage(url: string, fields: Record<string, string>, file: File, fileField = 'file'): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append(fileField, file);
  return fetch(url, { method: 'POST', body: form });
}

function someFile(name: string, type: string, size = 3000): { file: File; bytes: Buffer } {
  const bytes = randomBytes(size);
  return { file: new File([bytes], name, { type }), bytes };
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url}`);
  return Buffer.from(await response.arrayBuffer());
}

async function listed(key: string, user?: string): Promise<{ key: string; size: number; url: string; lastModified?: string } | undefined> {
  const response = await fetch(`${backend.url}/api/objects`, { headers: user ? { 'X-Demo-User': user } : {} });
  assert.equal(response.status, 200);
  const data = (await response.json()) as { objects: Array<{ key: string; size: number; url: string }> };
  return data.objects.find((object) => object.key === key);
}

describe('demo backend: plain set-up', () => {
  it('signs, takes the upload, registers, and lists the stored bytes', async () => {
    const { file, bytes } = someFile('hello world.txt', 'text/plain');
    const sign = await api('/api/sign', { filename: file.name, contentType: file.type, size: file.size });
    assert.equal(sign.status, 200);
    assert.match(sign.data.key, /^uploads\/users\/ada\/[\w-]+\/hello-world\.txt$/);

    const upload = await postToStorage(sign.data.url, sign.data.fields, file);
    assert.equal(upload.status, 201, await upload.clone().text());

    const register = await api('/api/register', { key: sign.data.key, filename: file.name, contentType: file.type, size: file.size });
    assert.equal(register.status, 200);
    assert.equal(register.data.key, sign.data.key);
    assert.equal(register.data.size, file.size);
    assert.deepEqual(await download(register.data.url), bytes);

    const object = await listed(sign.data.key);
    assert.equal(object?.size, file.size);
    assert.deepEqual(await download(object!.url), bytes);
  });

  it("keeps each demo user to their own folder: register, multipart and the stored-objects list", async () => {
    const { file } = someFile('grace.txt', 'text/plain', 20);
    const sign = await api('/api/sign', { filename: file.name, contentType: file.type, size: file.size }, 'grace');
    assert.match(sign.data.key, /^uploads\/users\/grace\//);
    assert.equal((await postToStorage(sign.data.url, sign.data.fields, file)).status, 201);
    const asAda = await api('/api/register', { key: sign.data.key, size: file.size });
    assert.deepEqual([asAda.status, asAda.data.error.code], [403, 'KeyNotAllowed']);
    const abort = await api('/api/multipart', { action: 'abort', uploadId: 'u', key: sign.data.key });
    assert.deepEqual([abort.status, abort.data.error.code], [403, 'KeyNotAllowed']);
    assert.equal((await api('/api/register', { key: sign.data.key, size: file.size }, 'grace')).status, 200);
    assert.equal(await listed(sign.data.key), undefined, "ada's list does not show grace's file");
    assert.equal((await listed(sign.data.key, 'grace'))?.size, file.size);
  });

  it('refuses a user the demo does not have (403 UnknownUser), on its handlers and its list', async () => {
    const sign = await api('/api/sign', { filename: 'a.txt', contentType: 'text/plain', size: 1 }, 'mallory');
    assert.deepEqual([sign.status, sign.data.error.code], [403, 'UnknownUser']);
    const list = await fetch(`${backend.url}/api/objects`, { headers: { 'X-Demo-User': 'mallory' } });
    assert.equal(list.status, 403);
  });
});

describe('demo backend: uploadEndpoint', () => {
  let proxied: DemoBackend;
  const uploadEndpoint = 'http://127.0.0.1:9/through/a/proxy';
  before(async () => {
    proxied = await startDemoBackend({ dataDir, uploadEndpoint });
  });
  after(() => proxied?.close());

  it('points sign answers at the upload endpoint, while its own calls to storage go straight', async () => {
    const { file } = someFile('proxied.txt', 'text/plain');
    const response = await fetch(`${proxied.url}/api/sign`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename: file.name, contentType: file.type, size: file.size }),
    });
    const sign = (await response.json()) as { url: string; fields: Record<string, string>; key: string };
    assert.equal(sign.url, `${uploadEndpoint}/uploads`);
    // A POST policy's signature covers the form, not the URL: storage takes it at its own address.
    const upload = await postToStorage(`${proxied.storage.endpoint}/uploads`, sign.fields, file);
    assert.equal(upload.status, 201, await upload.clone().text());
    // Register's HeadObject would fail at the upload endpoint (nothing listens on port 9).
    const register = await fetch(`${proxied.url}/api/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: sign.key, filename: file.name, contentType: file.type, size: file.size }),
    });
    assert.equal(register.status, 200, await register.clone().text());
  });
});

describe('demo backend: seed-000 style set-up', () => {
  const ask = { file_type: 'image/png', person_id: '15' };

  it('answers form attributes and inputs with a key prefix that takes the file name', async () => {
    const { file, bytes } = someFile('scan 1.png', 'image/png');
    const sign = await api('/api/seed000/upload_person_file', ask);
    assert.equal(sign.status, 200);
    const { formAttributes, formInputs } = sign.data;
    assert.match(formAttributes.key, /^uploads\/users\/ada\/person\/15\/\d{10}\/$/);
    assert.equal(formInputs.key, formAttributes.key);
    assert.equal(formAttributes.method, 'POST');
    assert.equal(formAttributes.enctype, 'multipart/form-data');
    assert.equal(formInputs['Content-Type'], 'image/png');
    assert.equal(sign.data.person_id, '15');
    assert.ok(!('success_action_status' in formInputs), 'Traffio-style forms get 204 from storage');

    const key = formAttributes.key + file.name;
    const upload = await postToStorage(formAttributes.action, { ...formInputs, key }, file);
    assert.equal(upload.status, 204, await upload.clone().text());

    const register = await api('/api/seed000/person_file', {
      file_name: key,
      document_type_id: 6,
      file_title: file.name,
      file_description: '',
      person_id: '15',
    });
    assert.equal(register.status, 200);
    assert.equal(typeof register.data.file_id, 'number');
    assert.equal(register.data.file_name, key);
    assert.equal(register.data.file_title, file.name);
    assert.deepEqual(await download(register.data.file_url), bytes);
    assert.equal((await listed(key))?.size, file.size);
  });

  it('signs a policy that holds the key to the prefix', async () => {
    const { file } = someFile('a.png', 'image/png', 10);
    const sign = await api('/api/seed000/upload_person_file', ask);
    const upload = await postToStorage(sign.data.formAttributes.action, { ...sign.data.formInputs, key: 'uploads/elsewhere/a.png' }, file);
    assert.equal(upload.status, 403);
  });

  it('registers only an object that exists, under the person', async () => {
    const missing = await api('/api/seed000/person_file', { file_name: 'uploads/users/ada/person/15/1/none.png', person_id: '15' });
    assert.equal(missing.status, 404);
    const elsewhere = await api('/api/seed000/person_file', { file_name: 'uploads/users/ada/person/16/1/a.png', person_id: '15' });
    assert.equal(elsewhere.status, 403);
    const otherUser = await api('/api/seed000/person_file', { file_name: 'uploads/users/ada/person/15/1/a.png', person_id: '15' }, 'grace');
    assert.equal(otherUser.status, 403);
    const bad = await api('/api/seed000/upload_person_file', { file_type: 'image/png' });
    assert.equal(bad.status, 400);
    assert.equal(bad.data.code, 'InvalidRequest');
  });
});

describe('demo backend: seed-003 style set-up', () => {
  it('creates a file entry, takes the upload to its ${filename} key and submits its id', async () => {
    const { file, bytes } = someFile('photo.png', 'image/png');
    const create = await api('/api/seed003/task/form/file/create', { task_id: 11231, field_id: 'file1', size: file.size, filename: file.name });
    assert.equal(create.status, 200);
    assert.equal(create.data.success, true);
    const { file_id: fileId, url, expires, file_field_name: fileField, fields } = create.data.value;
    assert.equal(typeof fileId, 'number');
    assert.match(expires, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.ok(Date.parse(`${expires.replace(' ', 'T')}Z`) > Date.now());
    assert.equal(fileField, 'file');
    assert.match(fields.key, /^uploads\/users\/ada\/task\/11231\/[0-9a-f-]{36}\/\$\{filename\}$/);
    assert.equal(fields.success_action_status, '201');

    const upload = await postToStorage(url, fields, file, fileField);
    assert.equal(upload.status, 201);
    const key = fields.key.replace('${filename}', 'photo.png');
    assert.match(await upload.text(), new RegExp(`<Key>${key}</Key>`));

    const submit = await api('/api/seed003/task/form/submit', { task_id: 11231, values: { file1: String(fileId) } });
    assert.deepEqual(submit, { status: 200, data: { success: true } });

    const object = await listed(key);
    assert.equal(object?.size, file.size);
    assert.deepEqual(await download(object!.url), bytes);
  });

  it('holds the upload to the announced size', async () => {
    const create = await api('/api/seed003/task/form/file/create', { task_id: 11231, field_id: 'file1', size: 100, filename: 'big.bin' });
    const { file } = someFile('big.bin', 'application/octet-stream', 101);
    const upload = await postToStorage(create.data.value.url, create.data.value.fields, file);
    assert.equal(upload.status, 400);
    assert.match(await upload.text(), /EntityTooLarge/);
  });

  it('refuses a file over 16 MB with code 271', async () => {
    const create = await api('/api/seed003/task/form/file/create', { task_id: 11231, field_id: 'file1', size: 16 * 1024 * 1024 + 1, filename: 'huge.bin' });
    assert.deepEqual(create.data, { success: false, status: { code: 271, description: 'File size is larger than the maximum allowed (16 MB)' } });
  });

  it('refuses a seventh unsubmitted file of a field with code 267, until the form is submitted', async () => {
    const ask = { task_id: 42, field_id: 'photos', size: 10, filename: 'a.png' };
    for (let i = 0; i < 6; i++) assert.equal((await api('/api/seed003/task/form/file/create', ask)).data.success, true);
    const seventh = await api('/api/seed003/task/form/file/create', ask);
    assert.deepEqual(seventh.data, { success: false, status: { code: 267, description: 'Too many entities' } });
    // Another field of the same task has its own count.
    assert.equal((await api('/api/seed003/task/form/file/create', { ...ask, field_id: 'other' })).data.success, true);

    assert.deepEqual((await api('/api/seed003/task/form/submit', { task_id: 42, values: {} })).data, { success: true });
    assert.equal((await api('/api/seed003/task/form/file/create', ask)).data.success, true);
  });

  it("refuses a file over the user's quota of pending files with code 268", async () => {
    const big = { task_id: 99, field_id: 'scans', size: 16 * 1024 * 1024, filename: 'scan.pdf' };
    for (let i = 0; i < 4; i++) assert.equal((await api('/api/seed003/task/form/file/create', big, 'grace')).data.success, true);
    const fifth = await api('/api/seed003/task/form/file/create', { ...big, size: 1 }, 'grace');
    assert.equal(fifth.data.status.code, 268);
    // The quota is grace's: ada still signs.
    assert.equal((await api('/api/seed003/task/form/file/create', { ...big, size: 1 })).data.success, true);
    assert.deepEqual((await api('/api/seed003/task/form/submit', { task_id: 99, values: {} }, 'grace')).data, { success: true });
  });

  it('refuses to submit a file id that was never uploaded', async () => {
    const create = await api('/api/seed003/task/form/file/create', { task_id: 7, field_id: 'file1', size: 10, filename: 'a.png' });
    const submit = await api('/api/seed003/task/form/submit', { task_id: 7, values: { file1: create.data.value.file_id } });
    assert.equal(submit.data.success, false);
    assert.equal(submit.data.status.code, 201);
  });
});

describe('demo backend: HTTP', () => {
  it('lets pages of any origin call it, with Content-Type and Authorization headers', async () => {
    const preflight = await fetch(`${backend.url}/api/sign`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://page.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type, authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Content-Type/i);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-Demo-User/i);
    const sign = await fetch(`${backend.url}/api/sign`, { method: 'POST', headers: { Origin: 'http://page.test', 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(sign.headers.get('access-control-allow-origin'), '*');
  });

  it('describes its storage and answers 404 and 405', async () => {
    const objects = (await (await fetch(`${backend.url}/api/objects`)).json()) as { storage: { kind: string; bucket: string } };
    assert.equal(objects.storage.kind, 'dev-storage');
    assert.equal(objects.storage.bucket, 'uploads');
    assert.equal(backend.storage.kind, 'dev-storage');
    assert.equal((await fetch(`${backend.url}/api/nothing`)).status, 404);
    assert.equal((await fetch(`${backend.url}/api/sign`)).status, 405);
  });
});
