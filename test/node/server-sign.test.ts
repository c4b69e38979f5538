// The sign half of presigned-uploader/server: body validation, refusals, the signed policy,
// and real POSTs of the answered fields to the dev storage, which verifies the policy as S3 does;
// presigned PUTs the same way, against the S3 at S3_ENDPOINT when set (radosgw), else the dev storage.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDevStorage } from '../../demo/dev-storage/dev-storage.js';
import {
  createSignHandler,
  presignUpload,
  SignRefusal,
  type PresignedPut,
  type PresignedUpload,
  type PutSignOptions,
  type SignOptions,
} from '../../src/server/index.js';
import { openStorage, prepareBucket } from '../helpers/node/e2e-backend.js';
import { withLoggedErrors } from '../helpers/node/logged-errors.js';
import { signedExpiry } from '../helpers/node/signed-url.js';

const credentials = { accessKeyId: 'test-access', secretAccessKey: 'test-secret-0123456789' };
const bucket = 'sign-test';
/** Options that sign without any network: signing a policy is local computation. */
const offline: SignOptions = { bucket, endpoint: 'http://127.0.0.1:9', credentials, maxSize: 1000 };
type ErrorBody = { error: { code: string; message: string } };
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

function signRequest(body: unknown, init: RequestInit = {}): Request {
  return new Request('http://app.test/api/sign', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

async function sign(options: SignOptions | PutSignOptions, body: unknown): Promise<{ status: number; data: any; response: Response }> {
  const response = await createSignHandler(options)(signRequest(body));
  return { status: response.status, data: await response.json(), response };
}

function decodePolicy(fields: Record<string, string>): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(fields['Policy']!, 'base64').toString('utf8'));
}

/** What a browser does: the signed fields in order, then the file last. */
function postForm(plan: { url: string; fields: Record<string, string> }, bytes: Uint8Array, name: string, type: string) {
  const form = new FormData();
  for (const [field, value] of Object.entries(plan.fields)) form.append(field, value);
  form.append('file', new Blob([bytes], { type }), name);
  return fetch(plan.url, { method: 'POST', body: form });
}

const pdf = { filename: 'report.pdf', contentType: 'application/pdf', size: 500 };

describe('createSignHandler: requests it refuses', () => {
  it('answers 400 with a message that names the field for bad bodies', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /not valid JSON/],
      ['', /no body/],
      [[], /must be a JSON object/],
      [null, /must be a JSON object/],
      [{ contentType: 'text/plain', size: 1 }, /Missing "filename"/],
      [{ filename: '', contentType: 'text/plain', size: 1 }, /Invalid "filename"/],
      [{ filename: 'a.txt', contentType: 'not a type', size: 1 }, /Invalid "contentType"/],
      [{ filename: 'a.txt', contentType: 'text/plain' }, /Missing "size"/],
      [{ filename: 'a.txt', contentType: 'text/plain', size: -1 }, /Invalid "size"/],
      [{ filename: 'a.txt', contentType: 'text/plain', size: 1.5 }, /Invalid "size"/],
      [{ filename: 'a.txt', contentType: 'text/plain', size: '12kb' }, /Invalid "size"/],
      [{ filename: 'a.txt', contentType: 'text/plain', size: true }, /Invalid "size"/],
    ];
    for (const [body, message] of cases) {
      const { status, data, response } = await sign(offline, body);
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(data.error.code, 'InvalidRequest');
      assert.match(data.error.message, message, JSON.stringify(body));
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
  });

  it('takes the size as a number or a string of digits (the element sends either)', async () => {
    assert.equal((await sign(offline, { ...pdf, size: '500' })).status, 200);
    assert.equal((await sign(offline, { ...pdf, size: 500 })).status, 200);
  });

  it('answers 413 for a file over maxSize and 400 under minSize', async () => {
    const large = await sign(offline, { ...pdf, size: 1001 });
    assert.equal(large.status, 413);
    assert.equal(large.data.error.code, 'EntityTooLarge');
    assert.match(large.data.error.message, /1000 bytes/);
    assert.equal((await sign(offline, { ...pdf, size: 1000 })).status, 200);

    const small = await sign({ ...offline, minSize: 10 }, { ...pdf, size: 9 });
    assert.equal(small.status, 400);
    assert.equal(small.data.error.code, 'EntityTooSmall');
  });

  it('answers 413 for a request body over 64 KB without reading it all', async () => {
    const body = JSON.stringify({ ...pdf, padding: 'x'.repeat(70 * 1024) });
    const { status, data } = await sign(offline, body);
    assert.equal(status, 413);
    assert.equal(data.error.code, 'RequestTooLarge');

    // A sender that would go on for 16 MB: the handler stops it a chunk past 64 KB.
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    let pulls = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          controller.enqueue(chunk);
          if (pulls === 1024) controller.close();
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const streamed = await createSignHandler(offline)(signRequest(undefined, { body: endless, duplex: 'half' } as RequestInit));
    assert.equal(streamed.status, 413);
    assert.equal(((await streamed.json()) as ErrorBody).error.code, 'RequestTooLarge');
    assert.ok(cancelled, 'the body stream is cancelled');
    assert.ok(pulls < 10, `${pulls} chunks of 16 KB pulled`);
  });

  it('answers 415 for a type outside accept, matching like <input accept>', async () => {
    const options = { ...offline, accept: 'image/*, .PDF ,application/json' };
    const refused = await sign(options, { filename: 'notes.txt', contentType: 'text/plain', size: 1 });
    assert.equal(refused.status, 415);
    assert.equal(refused.data.error.code, 'TypeNotAllowed');
    assert.match(refused.data.error.message, /text\/plain/);
    const allowed = [
      { filename: 'a.png', contentType: 'image/png', size: 1 },
      { filename: 'a.png', contentType: 'IMAGE/PNG', size: 1 },
      { filename: 'Scan.Pdf', contentType: 'application/octet-stream', size: 1 },
      { filename: 'data', contentType: 'application/json; charset=utf-8', size: 1 },
    ];
    for (const body of allowed) assert.equal((await sign(options, body)).status, 200, JSON.stringify(body));
    // The empty type browsers give for unknown extensions is octet-stream: not an image.
    assert.equal((await sign(options, { filename: 'a.heic', contentType: '', size: 1 })).status, 415);
  });

  it('answers 405 with Allow for anything but POST', async () => {
    const response = await createSignHandler(offline)(new Request('http://app.test/api/sign'));
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
    assert.equal(((await response.json()) as ErrorBody).error.code, 'MethodNotAllowed');
  });

  it('answers 500 without internals when signing fails, and does not throw', async () => {
    const failing: SignOptions = {
      ...offline,
      credentials: undefined,
      client: new S3Client({
        region: 'us-east-1',
        credentials: async () => {
          throw new Error('secret-internal-detail');
        },
      }),
    };
    const { result: response, logged } = await withLoggedErrors(() => createSignHandler(failing)(signRequest(pdf)));
    assert.equal(response.status, 500);
    const text = await response.text();
    assert.doesNotMatch(text, /secret-internal-detail/);
    assert.equal(JSON.parse(text).error.code, 'InternalError');
    assert.equal(logged.length, 1, 'the cause goes to the server log');
  });

  it('throws for a mistake in its options when created, not per request', () => {
    assert.throws(() => createSignHandler({ ...offline, maxSize: -1 }), TypeError);
    assert.throws(() => createSignHandler({ ...offline, maxSize: Number.NaN }), TypeError);
    assert.throws(() => createSignHandler({ ...offline, minSize: 2000 }), TypeError);
    assert.throws(() => createSignHandler({ ...offline, expiresIn: 0 }), TypeError);
    assert.throws(() => createSignHandler({ ...offline, bucket: '' }), TypeError);
  });
});

describe('createSignHandler: the answer and its policy', () => {
  it('answers url, fields, key and expires, with a policy that pins size range, type, key and status', async () => {
    const before = Date.now();
    const { status, data, response } = await sign({ ...offline, minSize: 1, expiresIn: 120 }, pdf);
    assert.equal(status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    // CORS is the app's call (serve from the page's origin, or add it in front), not the handler's.
    assert.deepEqual([...response.headers.keys()].filter((name) => name.startsWith('access-control-')), []);
    assert.equal(data.url, `http://127.0.0.1:9/${bucket}`);
    assert.match(data.key, new RegExp(`^uploads/${UUID}/report\\.pdf$`));
    assert.equal(data.fields.key, data.key);
    assert.equal(data.fields['Content-Type'], 'application/pdf');
    assert.equal(data.fields.success_action_status, '201');
    for (const name of ['Policy', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Algorithm']) {
      assert.ok(data.fields[name], `fields.${name}`);
    }

    const policy = decodePolicy(data.fields);
    assert.deepEqual(policy.conditions.slice(0, 4), [
      // The announced size, not maxSize: a leaked answer cannot carry a bigger file.
      ['content-length-range', 1, 500],
      { 'Content-Type': 'application/pdf' },
      { key: data.key },
      { success_action_status: '201' },
    ]);
    // Every field the browser will send is covered, or S3 answers "Extra input fields".
    const covered = new Set(policy.conditions.flatMap((c) => (Array.isArray(c) ? [] : Object.keys(c as object))));
    for (const name of Object.keys(data.fields)) {
      if (!['Policy', 'X-Amz-Signature'].includes(name)) assert.ok(covered.has(name), `policy covers ${name}`);
    }
    const expiry = Date.parse(data.expires);
    assert.equal(new Date(expiry).toISOString(), data.expires, 'ISO 8601');
    assert.equal(expiry, Date.parse(policy.expiration), 'expires is the policy expiration');
    assert.ok(expiry >= Math.floor(before / 1000) * 1000 + 120_000 && expiry <= Date.now() + 121_000);
  });

  it('signs for 300 s when expiresIn is not given', async () => {
    const before = Date.now();
    const { data } = await sign(offline, pdf);
    const expiry = Date.parse(decodePolicy(data.fields).expiration);
    assert.equal(Date.parse(data.expires), expiry);
    assert.ok(expiry >= Math.floor(before / 1000) * 1000 + 300_000 && expiry <= Date.now() + 301_000, data.expires);
  });

  it('uses the key prefix, the success status and a fresh unique part per upload', async () => {
    const options = { ...offline, keyPrefix: 'tenant-7/docs/', successActionStatus: 204 as const };
    const first = (await sign(options, pdf)).data;
    const second = (await sign(options, pdf)).data;
    assert.match(first.key, new RegExp(`^tenant-7/docs/${UUID}/report\\.pdf$`));
    assert.notEqual(first.key, second.key);
    assert.equal(first.fields.success_action_status, '204');
    assert.deepEqual(decodePolicy(first.fields).conditions[3], { success_action_status: '204' });
  });

  it('sanitizes file names into one safe key segment', async () => {
    const cases: Array<[string, string]> = [
      ['my report (final).pdf', 'my-report--final-.pdf'],
      ['../../etc/passwd', '-..-etc-passwd'],
      ['..', 'file'],
      ['.env', 'env'],
      ['Ünïcödé 日本語.txt', 'Ünïcödé-日本語.txt'],
      ['e\u0301t\u00e9.txt', 'été.txt'],
      ['a/b\\c?d#e%f.txt', 'a-b-c-d-e-f.txt'],
      [`${'x'.repeat(300)}.jpeg`, `${'x'.repeat(195)}.jpeg`],
      ['${filename}', '--filename-'],
    ];
    for (const [filename, expected] of cases) {
      const { data } = await sign(offline, { filename, contentType: 'text/plain', size: 1 });
      const name = data.key.split('/').at(-1);
      assert.equal(name, expected, filename);
      assert.ok(Array.from(name as string).length <= 200);
    }
  });

  it("'filename-variable' sends ${filename} literally under a starts-with condition", async () => {
    const { data } = await sign({ ...offline, key: 'filename-variable' }, pdf);
    assert.match(data.key, new RegExp(`^uploads/${UUID}/\\$\\{filename\\}$`));
    assert.equal(data.fields.key, data.key);
    const folder = data.key.slice(0, -'${filename}'.length);
    const { conditions } = decodePolicy(data.fields);
    assert.deepEqual(conditions[2], ['starts-with', '$key', folder]);
    assert.ok(!conditions.some((c) => !Array.isArray(c) && 'key' in (c as object)), 'no exact key condition');
  });

  it('maps an unknown browser type to application/octet-stream', async () => {
    const { data } = await sign(offline, { filename: 'a.xyz', contentType: '', size: 1 });
    assert.equal(data.fields['Content-Type'], 'application/octet-stream');
  });
});

describe('presignUpload', () => {
  it('answers a PresignedUpload without the HTTP layer', async () => {
    const plan = await presignUpload(offline, pdf);
    assert.equal(plan.fields.key, plan.key);
    assert.ok(plan.url && plan.expires);
  });

  it('rejects a mistake in its options with a TypeError, with or without a client of its own', async () => {
    await assert.rejects(presignUpload({ ...offline, maxSize: -1 }, pdf), TypeError);
    const client = new S3Client({ region: 'us-east-1', credentials });
    await assert.rejects(presignUpload({ bucket: '', client, maxSize: 1000 }, pdf), /`bucket` is required/);
    client.destroy();
  });

  it('throws SignRefusal with status and code', async () => {
    const refusals: Array<[SignOptions, unknown, number, string]> = [
      [offline, { ...pdf, size: 5000 }, 413, 'EntityTooLarge'],
      [{ ...offline, accept: 'image/*' }, pdf, 415, 'TypeNotAllowed'],
      [offline, { ...pdf, size: -3 }, 400, 'InvalidRequest'],
    ];
    for (const [options, request, status, code] of refusals) {
      await assert.rejects(presignUpload(options, request as never), (error: unknown) => {
        assert.ok(error instanceof SignRefusal);
        assert.equal(error.status, status);
        assert.equal(error.code, code);
        assert.ok(error.message.length > 0);
        return true;
      });
    }
  });
});

describe('signed uploads against the dev storage', () => {
  let storage: { url: string; close(): Promise<void> | void };
  let dataDir: string;
  let options: SignOptions;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pu-server-sign-'));
    storage = await startDevStorage({ port: 0, dataDir, ...credentials, buckets: [bucket] });
    options = { bucket, endpoint: storage.url, credentials, maxSize: 1000 };
  });
  after(async () => {
    await storage?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const bytes = (size: number) => new Uint8Array(size).map((_, i) => i % 251);

  it('accepts a POST of the answered fields with the file last (201)', async () => {
    const { data } = await sign(options, pdf);
    const response = await postForm(data as PresignedUpload, bytes(500), 'report.pdf', 'application/pdf');
    const xml = await response.text();
    assert.equal(response.status, 201, xml);
    assert.match(xml, new RegExp(`<Key>${data.key.replace(/[.]/g, '\\.')}</Key>`));
  });

  it('refuses a file larger than announced at the storage, though under maxSize', async () => {
    const { data } = await sign(options, { ...pdf, size: 10 });
    const response = await postForm(data, bytes(11), 'report.pdf', 'application/pdf');
    assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}`);
    assert.match(await response.text(), /EntityTooLarge|content-length-range|AccessDenied/);
  });

  it('refuses a Content-Type other than the signed one', async () => {
    const { data } = await sign(options, pdf);
    const fields = { ...data.fields, 'Content-Type': 'text/html' };
    const response = await postForm({ url: data.url, fields }, bytes(10), 'report.pdf', 'text/html');
    assert.equal(response.status, 403, await response.text());
  });

  it("stores 'filename-variable' uploads under the uploaded file's name", async () => {
    const { data } = await sign({ ...options, key: 'filename-variable' }, pdf);
    const response = await postForm(data, bytes(20), 'real name.pdf', 'application/pdf');
    const xml = await response.text();
    assert.equal(response.status, 201, xml);
    const folder = data.key.slice(0, -'${filename}'.length);
    assert.ok(xml.includes(`<Key>${folder}real name.pdf</Key>`), xml);
  });
});

describe('createSignHandler with method PUT: the answer', () => {
  const put: PutSignOptions = { bucket, endpoint: 'http://127.0.0.1:9', credentials, maxSize: 1000, method: 'PUT' };

  it('answers url, method, headers, key and expires, the URL signing type and length and no checksum', async () => {
    const before = Date.now();
    const { status, data, response } = await sign({ ...put, expiresIn: 120 }, pdf);
    assert.equal(status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(Object.keys(data).sort(), ['expires', 'headers', 'key', 'method', 'url']);
    assert.equal(data.method, 'PUT');
    assert.deepEqual(data.headers, { 'Content-Type': 'application/pdf' });
    assert.match(data.key, new RegExp(`^uploads/${UUID}/report\\.pdf$`));
    const url = new URL(data.url);
    assert.equal(url.origin + url.pathname, `http://127.0.0.1:9/${bucket}/${data.key}`);
    // A PUT has no content-length-range: the signed length and type are the only checks S3 makes.
    assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'content-length;content-type;host');
    assert.equal(url.searchParams.get('X-Amz-Expires'), '120');
    // A CRC32 of zero bytes signed into the URL makes S3 and R2 refuse every real body.
    assert.ok(![...url.searchParams.keys()].some((name) => /checksum/i.test(name)), data.url);
    const expiry = Date.parse(data.expires);
    assert.equal(new Date(expiry).toISOString(), data.expires);
    assert.ok(expiry >= Math.floor(before / 1000) * 1000 + 120_000 && expiry <= Date.now() + 121_000);
    assert.equal(expiry, signedExpiry(url), 'expires is the URL\'s own expiry');
  });

  it('refuses as the POST sign does: 400 bad body, 413 too large, 415 type', async () => {
    assert.equal((await sign(put, { ...pdf, size: 'big' })).status, 400);
    assert.equal((await sign(put, { ...pdf, size: 1001 })).data.error.code, 'EntityTooLarge');
    assert.equal((await sign({ ...put, accept: 'image/*' }, pdf)).status, 415);
  });

  it('signs the URL for 300 s when expiresIn is not given', async () => {
    const { data } = await sign(put, pdf);
    const url = new URL(data.url);
    assert.equal(url.searchParams.get('X-Amz-Expires'), '300');
    assert.equal(Date.parse(data.expires), signedExpiry(url));
  });

  it('maps an unknown browser type to application/octet-stream, in the header it signs', async () => {
    const { data } = await sign(put, { filename: 'a.xyz', contentType: '', size: 1 });
    assert.deepEqual(data.headers, { 'Content-Type': 'application/octet-stream' });
  });

  it('presignUpload answers a PresignedPut; POST-only options are refused at creation', async () => {
    const plan: PresignedPut = await presignUpload(put, pdf);
    assert.equal(plan.method, 'PUT');
    assert.ok(plan.url.includes(encodeURI(plan.key)));
    // Untyped code can pass them: a PUT would store the literal ${filename}.
    assert.throws(() => createSignHandler({ ...put, key: 'filename-variable' } as PutSignOptions), /filename-variable/);
    assert.throws(() => createSignHandler({ ...put, method: 'PATCH' } as unknown as PutSignOptions), TypeError);
  });
});

// Bucket of its own: the S3 at S3_ENDPOINT is shared with other runs.
const putBucket = 'pu-server-sign-put';
const putStorage = await openStorage(putBucket);
const putClient = new S3Client({ endpoint: putStorage.endpoint, region: putStorage.region, credentials: putStorage.credentials, forcePathStyle: true });
await prepareBucket(putClient, putBucket);
after(async () => {
  putClient.destroy();
  await putStorage.close();
});

describe('signed PUTs against real storage', () => {
  const options: PutSignOptions = { bucket: putBucket, client: putClient, maxSize: 1000, method: 'PUT' };
  const bytes = (size: number) => new Uint8Array(size).map((_, i) => (i * 7) % 251);

  it('stores the bytes PUT with exactly the answered headers, with the signed type', async () => {
    const { data } = await sign(options, { filename: 'photo.png', contentType: 'image/png', size: 321 });
    const response = await fetch(data.url, { method: 'PUT', headers: data.headers, body: bytes(321) });
    assert.equal(response.status, 200, await response.clone().text());
    assert.match(response.headers.get('etag') ?? '', /^"?[0-9a-f]{32}"?$/);
    const object = await putClient.send(new GetObjectCommand({ Bucket: putBucket, Key: data.key }));
    assert.equal(object.ContentType, 'image/png');
    assert.deepEqual(await object.Body!.transformToByteArray(), bytes(321));
  });

  it('refuses another Content-Type, and a body of another size than announced (403)', async () => {
    const { data } = await sign(options, { filename: 'photo.png', contentType: 'image/png', size: 100 });
    const cases: Array<[string, Record<string, string>, Uint8Array]> = [
      ['text/html', { 'Content-Type': 'text/html' }, bytes(100)],
      ['no type', {}, bytes(100)],
      ['larger', data.headers, bytes(101)],
      ['smaller', data.headers, bytes(99)],
    ];
    for (const [name, headers, body] of cases) {
      const response = await fetch(data.url, { method: 'PUT', headers, body });
      assert.equal(response.status, 403, `${name}: ${await response.text()}`);
    }
    const stored = await putClient.send(new GetObjectCommand({ Bucket: putBucket, Key: data.key })).catch((error: Error) => error);
    assert.ok(stored instanceof Error && stored.name === 'NoSuchKey', 'nothing was stored');
  });
});
