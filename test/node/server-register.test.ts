// The register half of presigned-uploader/server: it confirms with HeadObject, against the
// dev storage, that the announced object exists with the announced size and type.
import { S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDevStorage } from '../../demo/dev-storage/dev-storage.js';
import {
  createRegisterHandler,
  createSignHandler,
  presignUpload,
  SignRefusal,
  toNodeListener,
  type PresignedUpload,
  type RegisterOptions,
  type StorageOptions,
  type StoredObject,
} from '../../src/server/index.js';
import { withLoggedErrors } from '../helpers/node/logged-errors.js';

const credentials = { accessKeyId: 'test-access', secretAccessKey: 'test-secret-0123456789' };
const bucket = 'register-test';

function registerRequest(body: unknown): Request {
  return new Request('http://app.test/api/register', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function register(options: RegisterOptions, body: unknown): Promise<{ status: number; data: any; response: Response }> {
  const response = await createRegisterHandler(options)(registerRequest(body));
  return { status: response.status, data: await response.json(), response };
}

describe('createRegisterHandler: requests refused before asking storage', () => {
  // Port 9 (discard) is closed: any test that reached storage would fail with 502, not pass.
  const offline: RegisterOptions = { bucket, endpoint: 'http://127.0.0.1:9', credentials };
  const body = { key: 'uploads/abc/a.txt', filename: 'a.txt', contentType: 'text/plain', size: 3 };

  it('answers 400 with a message for bad bodies', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['nope', /not valid JSON/],
      [[1], /must be a JSON object/],
      [{ ...body, key: undefined }, /Missing "key"/],
      [{ ...body, key: 42 }, /Invalid "key"/],
      [{ ...body, size: undefined }, /Missing "size"/],
      [{ ...body, size: 'three' }, /Invalid "size"/],
      [{ ...body, contentType: 'not a type' }, /Invalid "contentType"/],
      [{ ...body, fileId: { id: 1 } }, /Invalid "fileId"/],
    ];
    for (const [sent, message] of cases) {
      const { status, data, response } = await register(offline, sent);
      assert.equal(status, 400, JSON.stringify(sent));
      assert.equal(data.error.code, 'InvalidRequest');
      assert.match(data.error.message, message);
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
  });

  it('answers 403 for keys outside the prefix or escaping it', async () => {
    const keys = ['private/a.txt', 'uploads', 'uploads/', 'uploads/../private/a.txt', 'uploads/./a', 'uploads//a', 'uploads/a/', 'xuploads/a'];
    for (const key of keys) {
      const { status, data } = await register(offline, { ...body, key });
      assert.equal(status, 403, key);
      assert.equal(data.error.code, 'KeyNotAllowed');
    }
    const custom = await register({ ...offline, keyPrefix: 'tenant-1/' }, body);
    assert.equal(custom.status, 403);
  });

  it('answers 405 for anything but POST', async () => {
    const response = await createRegisterHandler(offline)(new Request('http://app.test/api/register', { method: 'PUT', body: '{}' }));
    assert.equal(response.status, 405);
  });

  it('answers 502 when storage refuses the server (403, e.g. wrong credentials)', async () => {
    // What S3 answers a HeadObject it does not allow: a bare 403 (HEAD answers have no body).
    const refusing = createServer((_req, res) => res.writeHead(403, { 'Content-Length': '0' }).end());
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
      const { result, logged } = await withLoggedErrors(() => register({ bucket, endpoint, credentials }, body));
      assert.equal(result.status, 502);
      assert.equal(result.data.error.code, 'StorageError');
      assert.equal(logged.length, 1, 'the cause goes to the server log');
    } finally {
      refusing.closeAllConnections();
      await new Promise((resolve) => refusing.close(resolve));
    }
  });

  it('answers 502 without internals when storage cannot be reached', async () => {
    const client = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials, maxAttempts: 1 });
    const { result, logged } = await withLoggedErrors(() => register({ bucket, client }, body));
    assert.equal(result.status, 502);
    assert.equal(result.data.error.code, 'StorageError');
    assert.doesNotMatch(JSON.stringify(result.data), /ECONNREFUSED|127\.0\.0\.1/);
    assert.equal(logged.length, 1);
  });
});

describe('register after real uploads to the dev storage', () => {
  let storage: { url: string; close(): Promise<void> | void };
  let dataDir: string;
  let store: StorageOptions;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pu-server-register-'));
    storage = await startDevStorage({ port: 0, dataDir, ...credentials, buckets: [bucket] });
    store = { bucket, endpoint: storage.url, credentials };
  });
  after(async () => {
    await storage?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Signs and uploads like the element does; answers the stored key. */
  async function upload(filename: string, contentType: string, size: number, signOptions: object = {}): Promise<string> {
    const plan = await presignUpload({ ...store, maxSize: 10_000, ...signOptions }, { filename, contentType, size });
    const form = new FormData();
    for (const [name, value] of Object.entries(plan.fields)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(size).fill(7)], { type: contentType }), filename);
    const response = await fetch(plan.url, { method: 'POST', body: form });
    const xml = await response.text();
    assert.equal(response.status, 201, xml);
    return /<Key>([^<]*)<\/Key>/.exec(xml)![1]!.replace(/&amp;/g, '&');
  }

  it('answers 200 with the stored object: size, type, etag, lastModified and URL', async () => {
    const key = await upload('photo 1.png', 'image/png', 1234);
    const before = Date.now();
    const { status, data, response } = await register(store, { key, filename: 'photo 1.png', contentType: 'image/png', size: '1234' });
    assert.equal(status, 200, JSON.stringify(data));
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(data.key, key);
    assert.equal(data.size, 1234);
    assert.equal(data.contentType, 'image/png');
    assert.match(data.etag, /^[0-9a-f]{32}$/, 'without quotes');
    assert.ok(Math.abs(Date.parse(data.lastModified) - before) < 60_000);
    const path = key.split('/').map(encodeURIComponent).join('/');
    assert.equal(data.url, `${storage.url.replace(/\/$/, '')}/${bucket}/${path}`);
    assert.ok(data.url.endsWith('/photo-1.png'));
  });

  it("registers a 'filename-variable' upload under the substituted key", async () => {
    const key = await upload('name with spaces & ümlaut.txt', 'text/plain', 10, { key: 'filename-variable' });
    assert.ok(key.endsWith('/name with spaces & ümlaut.txt'), key);
    const { status, data } = await register(store, { key, contentType: 'text/plain', size: 10 });
    assert.equal(status, 200, JSON.stringify(data));
    assert.ok(data.url.endsWith('/name%20with%20spaces%20%26%20%C3%BCmlaut.txt'), data.url);
  });

  it('answers 404 NoSuchKey for a key that was never uploaded', async () => {
    const { status, data } = await register(store, { key: 'uploads/00000000-0000-0000-0000-000000000000/none.txt', contentType: 'text/plain', size: 1 });
    assert.equal(status, 404);
    assert.equal(data.error.code, 'NoSuchKey');
    assert.match(data.error.message, /none\.txt/);
  });

  it('answers 409 when the size or the type differ from the stored object', async () => {
    const key = await upload('a.json', 'application/json', 100);
    const size = await register(store, { key, contentType: 'application/json', size: 101 });
    assert.equal(size.status, 409);
    assert.equal(size.data.error.code, 'SizeMismatch');
    assert.match(size.data.error.message, /100.*101/);
    const type = await register(store, { key, contentType: 'image/png', size: 100 });
    assert.equal(type.status, 409);
    assert.equal(type.data.error.code, 'TypeMismatch');
    // Case and parameters do not make a different type; without contentType only the size is checked.
    assert.equal((await register(store, { key, contentType: 'Application/JSON; charset=utf-8', size: 100 })).status, 200);
    assert.equal((await register(store, { key, size: 100 })).status, 200);
  });

  it('treats an empty announced type as the octet-stream the sign step stored', async () => {
    const key = await upload('blob.bin', '', 5);
    const { status, data } = await register(store, { key, contentType: '', size: 5 });
    assert.equal(status, 200, JSON.stringify(data));
    assert.equal(data.contentType, 'application/octet-stream');
  });

  it("answers onRegister's value, given the stored object and the whole body", async () => {
    const key = await upload('doc.pdf', 'application/pdf', 42);
    const calls: unknown[][] = [];
    const options: RegisterOptions = {
      ...store,
      onRegister: async (object, body) => {
        calls.push([object, body]);
        return { id: 7, fileUrl: object.url };
      },
    };
    const body = { key, filename: 'doc.pdf', contentType: 'application/pdf', size: 42, fileId: 'f-1', person_id: '15' };
    const { status, data } = await register(options, body);
    assert.equal(status, 200);
    assert.equal(data.id, 7);
    assert.equal(calls.length, 1);
    assert.equal((calls[0]![0] as { key: string }).key, key);
    assert.deepEqual(calls[0]![1], body);

    const refusing = await register({ ...store, onRegister: () => { throw new SignRefusal(429, 'Quota', 'Too many files.'); } }, body);
    assert.deepEqual([refusing.status, refusing.data], [429, { error: { code: 'Quota', message: 'Too many files.' } }]);
    const { result: failing } = await withLoggedErrors(() =>
      register({ ...store, onRegister: () => { throw new Error('db password wrong'); } }, body),
    );
    assert.equal(failing.status, 500);
    assert.doesNotMatch(JSON.stringify(failing.data), /password/);
  });

  it('runs sign -> upload -> register behind http.createServer', async () => {
    const sign = toNodeListener(createSignHandler({ ...store, maxSize: 1000, key: 'filename-variable' }));
    const registerListener = toNodeListener(createRegisterHandler(store));
    const server: Server = createServer((req, res) => (req.url === '/sign' ? sign(req, res) : registerListener(req, res)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const signed = await fetch(`${api}/sign`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ filename: 'x.csv', contentType: 'text/csv', size: '30' }) });
      assert.equal(signed.status, 200);
      const plan = (await signed.json()) as PresignedUpload;
      const form = new FormData();
      for (const [name, value] of Object.entries(plan.fields as Record<string, string>)) form.append(name, value);
      form.append('file', new Blob(['a,b,c\n'.repeat(5)], { type: 'text/csv' }), 'x.csv');
      const stored = await fetch(plan.url, { method: 'POST', body: form });
      assert.equal(stored.status, 201, await stored.clone().text());
      const key = plan.key.replace('${filename}', 'x.csv');
      const registered = await fetch(`${api}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key, filename: 'x.csv', contentType: 'text/csv', size: 30 }) });
      assert.equal(registered.status, 200);
      assert.equal(((await registered.json()) as StoredObject).size, 30);
      const huge = await fetch(`${api}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key, pad: 'x'.repeat(65 * 1024) }) });
      assert.equal(huge.status, 413);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
