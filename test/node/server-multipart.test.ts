// The multipart half of presigned-uploader/server: body validation and refusals without storage,
// then create -> sign-part -> real PUTs of the parts -> list-parts -> complete against real storage:
// the S3 at S3_ENDPOINT when set (radosgw), else the dev storage.
import {
  CompleteMultipartUploadCommand,
  GetObjectCommand,
  ListPartsCommand,
  S3Client,
  type ListPartsCommandOutput,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startDemoBackend, type DemoBackend } from '../../demo/backend/demo-backend.js';
import { createMultipartHandler, type MultipartOptions } from '../../src/server/index.js';
import { openStorage, prepareBucket, type TestStorage } from '../helpers/node/e2e-backend.js';
import { withLoggedErrors } from '../helpers/node/logged-errors.js';
import { signedExpiry } from '../helpers/node/signed-url.js';

const credentials = { accessKeyId: 'test-access', secretAccessKey: 'test-secret-0123456789' };
const bucket = 'pu-server-multipart';
/** Options that reach no storage: port 9 is closed, and signing is local computation. */
const offline: MultipartOptions = { bucket, endpoint: 'http://127.0.0.1:9', credentials, maxSize: 100 * 1024 * 1024 };
const MiB = 1024 * 1024;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

function multipartRequest(body: unknown, init: RequestInit = {}): Request {
  return new Request('http://app.test/api/multipart', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

type Answer = { status: number; data: any; response: Response };

async function call(handler: (request: Request) => Promise<Response>, body: unknown): Promise<Answer> {
  const response = await handler(multipartRequest(body));
  return { status: response.status, data: await response.json(), response };
}

/** A client whose ListParts answers come from `pages`, for what real storage will not easily do. */
function listingClient(pages: (marker: string | undefined) => Partial<ListPartsCommandOutput>): { client: S3Client; markers: Array<string | undefined> } {
  const client = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials });
  const markers: Array<string | undefined> = [];
  client.send = (async (command: unknown) => {
    assert.ok(command instanceof ListPartsCommand, 'only ListParts is expected');
    markers.push(command.input.PartNumberMarker);
    return { $metadata: {}, ...pages(command.input.PartNumberMarker) };
  }) as S3Client['send'];
  return { client, markers };
}

const upload = { uploadId: 'an-upload-id', key: 'uploads/0b6a3c58-1c1f-4c39-9bcb-0a1f4a3e6a10/big.bin' };
const announced = { filename: 'big.bin', contentType: 'application/octet-stream', size: 12 * MiB };

describe('createMultipartHandler: requests refused before asking storage', () => {
  const handler = createMultipartHandler(offline);

  it('answers 400 with a message that names the field for bad bodies', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{oops', /not valid JSON/],
      [[], /must be a JSON object/],
      [{ ...upload }, /Missing "action"/],
      [{ action: 'upload', ...upload }, /Invalid "action"/],
      [{ action: 'create', filename: 'a.bin', size: 1 }, /Missing "contentType"/],
      [{ action: 'sign-part', key: upload.key, partNumber: 1 }, /Missing "uploadId"/],
      [{ action: 'sign-part', ...upload, uploadId: 'a\nb', partNumber: 1 }, /Invalid "uploadId"/],
      [{ action: 'sign-part', ...upload }, /Missing "partNumber"/],
      [{ action: 'sign-part', ...upload, partNumber: 0 }, /Invalid "partNumber"/],
      [{ action: 'sign-part', ...upload, partNumber: 10_001 }, /Invalid "partNumber"/],
      [{ action: 'sign-part', ...upload, partNumber: 1.5 }, /Invalid "partNumber"/],
      [{ action: 'list-parts', uploadId: upload.uploadId }, /Missing "key"/],
      [{ action: 'abort', ...upload, key: '' }, /Invalid "key"/],
      [{ action: 'complete', ...upload }, /Missing "parts"/],
      [{ action: 'complete', ...upload, parts: [] }, /Invalid "parts"/],
      [{ action: 'complete', ...upload, parts: [{ partNumber: 1 }] }, /Invalid "parts"/],
      [{ action: 'complete', ...upload, parts: [{ partNumber: 1, etag: '""' }] }, /Invalid "parts"/],
      [{ action: 'complete', ...upload, parts: [{ partNumber: 1, etag: 'a' }, { partNumber: 1, etag: 'b' }] }, /each part number once/],
    ];
    for (const [body, message] of cases) {
      const { status, data, response } = await call(handler, body);
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(data.error.code, 'InvalidRequest', JSON.stringify(body));
      assert.match(data.error.message, message, JSON.stringify(body));
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
  });

  it('creates only what the sign handler would sign: 415 type, 413 too large, 400 too small', async () => {
    const strict = createMultipartHandler({ ...offline, accept: 'video/*', minSize: 10 });
    const type = await call(strict, { action: 'create', ...announced });
    assert.deepEqual([type.status, type.data.error.code], [415, 'TypeNotAllowed']);
    const large = await call(strict, { action: 'create', ...announced, contentType: 'video/mp4', size: offline.maxSize + 1 });
    assert.deepEqual([large.status, large.data.error.code], [413, 'EntityTooLarge']);
    const small = await call(strict, { action: 'create', ...announced, contentType: 'video/mp4', size: 9 });
    assert.deepEqual([small.status, small.data.error.code], [400, 'EntityTooSmall']);
  });

  it('answers 403 for keys outside the prefix, for every action that takes a key', async () => {
    const keys = ['private/a.bin', 'uploads', 'uploads/', 'uploads/../private/a.bin', 'uploads//a', 'xuploads/a'];
    const bodies = (key: string) => [
      { action: 'sign-part', uploadId: 'u', key, partNumber: 1 },
      { action: 'list-parts', uploadId: 'u', key },
      { action: 'complete', uploadId: 'u', key, parts: [{ partNumber: 1, etag: 'e' }] },
      { action: 'abort', uploadId: 'u', key },
    ];
    for (const key of keys) {
      for (const body of bodies(key)) {
        const { status, data } = await call(handler, body);
        assert.equal(status, 403, JSON.stringify(body));
        assert.equal(data.error.code, 'KeyNotAllowed');
      }
    }
    const tenant = await call(createMultipartHandler({ ...offline, keyPrefix: 'tenant-1/' }), { action: 'abort', ...upload });
    assert.equal(tenant.status, 403);
  });

  it('holds part numbers to what a file of maxSize needs with 5 MiB parts (413)', async () => {
    const small = createMultipartHandler({ ...offline, maxSize: 12 * MiB });
    assert.equal((await call(small, { action: 'sign-part', ...upload, partNumber: 3 })).status, 200);
    const fourth = await call(small, { action: 'sign-part', ...upload, partNumber: 4 });
    assert.deepEqual([fourth.status, fourth.data.error.code], [413, 'EntityTooLarge']);
  });

  it('answers 405 with Allow for anything but POST', async () => {
    const response = await handler(new Request('http://app.test/api/multipart'));
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
  });

  it('throws for a mistake in its options when created, not per request', () => {
    assert.throws(() => createMultipartHandler({ ...offline, maxSize: -1 }), TypeError);
    assert.throws(() => createMultipartHandler({ ...offline, expiresIn: 0 }), TypeError);
    assert.throws(() => createMultipartHandler({ ...offline, bucket: '' }), TypeError);
    // Untyped code may pass the sign handler's options as they are: parts cannot fill in ${filename}.
    assert.throws(() => createMultipartHandler({ ...offline, key: 'filename-variable' } as MultipartOptions), /filename-variable/);
  });

  it('answers 502 without internals when storage cannot be reached, and logs the cause', async () => {
    const client = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials, maxAttempts: 1 });
    const unreachable = createMultipartHandler({ bucket, client, maxSize: offline.maxSize });
    for (const body of [{ action: 'create', ...announced }, { action: 'list-parts', ...upload }, { action: 'abort', ...upload }]) {
      const { result, logged } = await withLoggedErrors(() => call(unreachable, body));
      assert.equal(result.status, 502, JSON.stringify(body));
      assert.equal(result.data.error.code, 'StorageError');
      assert.doesNotMatch(JSON.stringify(result.data), /ECONNREFUSED|127\.0\.0\.1/);
      assert.equal(logged.length, 1);
    }
  });
});

describe('createMultipartHandler: sign-part and list-parts answers', () => {
  it('signs an UploadPart URL for the part, without the SDK\'s empty-body checksum, and says when it expires', async () => {
    const before = Date.now();
    const { status, data } = await call(createMultipartHandler({ ...offline, expiresIn: 90 }), { action: 'sign-part', ...upload, partNumber: 7 });
    assert.equal(status, 200);
    const url = new URL(data.url);
    assert.equal(url.origin + url.pathname, `http://127.0.0.1:9/${bucket}/${upload.key}`);
    assert.equal(url.searchParams.get('partNumber'), '7');
    assert.equal(url.searchParams.get('uploadId'), upload.uploadId);
    assert.equal(url.searchParams.get('X-Amz-Expires'), '90');
    // A CRC32 of zero bytes signed into the URL makes S3 and R2 refuse every real part.
    assert.ok(![...url.searchParams.keys()].some((name) => /checksum/i.test(name)), data.url);
    const expiry = Date.parse(data.expires);
    assert.equal(new Date(expiry).toISOString(), data.expires);
    assert.ok(expiry >= Math.floor(before / 1000) * 1000 + 90_000 && expiry <= Date.now() + 91_000);
    assert.equal(expiry, signedExpiry(url), 'expires is the URL\'s own expiry');
  });

  it('reads every page of ListParts, with bare ETags', async () => {
    const page = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ PartNumber: from + i, ETag: `"etag-${from + i}"`, Size: 5 * MiB }));
    const { client, markers } = listingClient((marker) =>
      marker === undefined
        ? { Parts: page(1, 1000), IsTruncated: true, NextPartNumberMarker: '1000' }
        : marker === '1000'
          ? { Parts: page(1001, 1000), IsTruncated: true, NextPartNumberMarker: '2000' }
          : { Parts: page(2001, 5), IsTruncated: false },
    );
    const { status, data } = await call(createMultipartHandler({ bucket, client, maxSize: offline.maxSize }), { action: 'list-parts', ...upload });
    assert.equal(status, 200);
    assert.deepEqual(markers, [undefined, '1000', '2000']);
    assert.equal(data.parts.length, 2005);
    assert.deepEqual(data.parts[2004], { partNumber: 2005, etag: 'etag-2005', size: 5 * MiB });
  });

  it('completes with the parts in ascending order, ETags quoted, and answers the object\'s URL', async () => {
    const client = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials });
    const sent: unknown[] = [];
    client.send = (async (command: unknown) => {
      sent.push(command);
      if (command instanceof ListPartsCommand) {
        return { $metadata: {}, Parts: [3, 1, 2].map((n) => ({ PartNumber: n, ETag: `"e${n}"`, Size: n === 3 ? 10 : 5 * MiB })) };
      }
      // What a server may say; the answer's location is built like register's url instead.
      return { $metadata: {}, ETag: '"abc-3"', Location: 'http://elsewhere.test/x' };
    }) as S3Client['send'];
    const key = 'uploads/0b6a3c58-1c1f-4c39-9bcb-0a1f4a3e6a10/Ünïcödé.bin';
    const parts = [{ partNumber: 3, etag: 'e3' }, { partNumber: 1, etag: '"e1"' }, { partNumber: 2, etag: 'e2' }];
    const { status, data } = await call(createMultipartHandler({ bucket, client, maxSize: offline.maxSize }), { action: 'complete', uploadId: 'u', key, parts });
    assert.equal(status, 200, JSON.stringify(data));
    assert.deepEqual(data, { key, bucket, location: `http://127.0.0.1:9/${bucket}/uploads/0b6a3c58-1c1f-4c39-9bcb-0a1f4a3e6a10/${encodeURIComponent('Ünïcödé.bin')}`, etag: 'abc-3' });
    const complete = sent.at(-1) as CompleteMultipartUploadCommand;
    assert.ok(complete instanceof CompleteMultipartUploadCommand);
    assert.deepEqual(complete.input.MultipartUpload?.Parts, [
      { PartNumber: 1, ETag: '"e1"' },
      { PartNumber: 2, ETag: '"e2"' },
      { PartNumber: 3, ETag: '"e3"' },
    ]);
  });

  it('refuses to complete parts that add up to less than minSize (400), unless a part is missing', async () => {
    const client = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials });
    const sent: unknown[] = [];
    client.send = (async (command: unknown) => {
      sent.push(command);
      if (command instanceof ListPartsCommand) return { $metadata: {}, Parts: [{ PartNumber: 1, ETag: '"e1"', Size: 10 }] };
      return { $metadata: {}, ETag: '"abc-2"' };
    }) as S3Client['send'];
    const handler = createMultipartHandler({ bucket, client, maxSize: offline.maxSize, minSize: 100 });

    const small = await call(handler, { action: 'complete', ...upload, parts: [{ partNumber: 1, etag: 'e1' }] });
    assert.deepEqual([small.status, small.data.error.code], [400, 'EntityTooSmall']);
    assert.match(small.data.error.message, /10 bytes.*100 bytes/);
    assert.ok(!sent.some((command) => command instanceof CompleteMultipartUploadCommand), 'nothing completed');

    // Part 2 is not listed: S3's InvalidPart will say more than a size would, so S3 is asked.
    const missing = await call(handler, { action: 'complete', ...upload, parts: [{ partNumber: 1, etag: 'e1' }, { partNumber: 2, etag: 'e2' }] });
    assert.equal(missing.status, 200, JSON.stringify(missing.data));
    assert.ok(sent.at(-1) instanceof CompleteMultipartUploadCommand);
  });

  it('answers 502 rather than loop when a listing is truncated but its marker does not move', async () => {
    const { client, markers } = listingClient(() => ({ Parts: [], IsTruncated: true, NextPartNumberMarker: '3' }));
    const handler = createMultipartHandler({ bucket, client, maxSize: offline.maxSize });
    const { result, logged } = await withLoggedErrors(() => call(handler, { action: 'list-parts', ...upload }));
    assert.equal(result.status, 502);
    assert.deepEqual(markers, [undefined, '3']);
    assert.equal(logged.length, 1);
  });
});

// ---------------------------------------------------------------------------------------------
// Against real storage.

const storage: TestStorage = await openStorage(bucket);
const client = new S3Client({ endpoint: storage.endpoint, region: storage.region, credentials: storage.credentials, forcePathStyle: true });
await prepareBucket(client, bucket);
const storageOptions: MultipartOptions = { bucket, client, maxSize: 64 * MiB };

after(async () => {
  client.destroy();
  await storage.close();
});

/** What the browser does with a sign-part answer: PUT the bytes, read the ETag header. */
async function putPart(url: string, bytes: Uint8Array): Promise<string> {
  const response = await fetch(url, { method: 'PUT', body: bytes });
  assert.equal(response.status, 200, await response.clone().text());
  const etag = response.headers.get('etag');
  assert.ok(etag, 'the part answer has an ETag header');
  return etag;
}

async function readObject(key: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { bytes: Buffer.from(await object.Body!.transformToByteArray()), contentType: object.ContentType };
}

/** create, then a signed PUT per part; answers the upload and the ETags the PUTs gave. */
async function uploadParts(handler: (request: Request) => Promise<Response>, file: Buffer, type: string, partSize: number) {
  const created = await call(handler, { action: 'create', filename: 'movie clip.mp4', contentType: type, size: file.length });
  assert.equal(created.status, 200, JSON.stringify(created.data));
  const { uploadId, key } = created.data as { uploadId: string; key: string };
  const etags: string[] = [];
  for (let offset = 0, partNumber = 1; offset < file.length; offset += partSize, partNumber++) {
    const signed = await call(handler, { action: 'sign-part', uploadId, key, partNumber });
    assert.equal(signed.status, 200, JSON.stringify(signed.data));
    etags.push(await putPart(signed.data.url, file.subarray(offset, offset + partSize)));
  }
  return { uploadId, key, etags };
}

describe('multipart uploads against real storage', () => {
  const handler = createMultipartHandler(storageOptions);

  it('create -> sign-part x2 -> PUTs -> list-parts -> complete stores the file byte for byte', async () => {
    const file = randomBytes(5 * MiB + 1234);
    const { uploadId, key, etags } = await uploadParts(handler, file, 'video/mp4', 5 * MiB);
    assert.match(key, new RegExp(`^uploads/${UUID}/movie-clip\\.mp4$`));
    assert.equal(etags.length, 2);

    const listed = await call(handler, { action: 'list-parts', uploadId, key });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.data, {
      parts: [
        { partNumber: 1, etag: etags[0]!.replace(/"/g, ''), size: 5 * MiB },
        { partNumber: 2, etag: etags[1]!.replace(/"/g, ''), size: 1234 },
      ],
    });

    // Out of order, one ETag quoted as the header gave it and one bare as the element reports it.
    const parts = [
      { partNumber: 2, etag: etags[1]!.replace(/"/g, '') },
      { partNumber: 1, etag: etags[0]! },
    ];
    const done = await call(handler, { action: 'complete', uploadId, key, parts });
    assert.equal(done.status, 200, JSON.stringify(done.data));
    assert.equal(done.data.key, key);
    assert.equal(done.data.bucket, bucket);
    // Ceph's CompleteMultipartUploadResult has an empty ETag; when there is one, it is bare.
    if (storage.kind === 'dev-storage' || done.data.etag !== undefined) assert.match(done.data.etag, /^[0-9a-f]{32}-2$/, 'a multipart ETag, without quotes');
    assert.equal(done.data.location, `${storage.endpoint.replace(/\/$/, '')}/${bucket}/${key}`);

    const stored = await readObject(key);
    assert.equal(stored.contentType, 'video/mp4');
    assert.ok(stored.bytes.equals(file), 'byte-identical');

    const gone = await call(handler, { action: 'list-parts', uploadId, key });
    assert.deepEqual([gone.status, gone.data.error.code], [404, 'NoSuchUpload']);
  });

  it('abort, then list-parts answers 404 NoSuchUpload; a second abort still answers {}', async () => {
    const { uploadId, key } = await uploadParts(handler, randomBytes(100), 'video/mp4', 5 * MiB);
    const aborted = await call(handler, { action: 'abort', uploadId, key });
    assert.deepEqual([aborted.status, aborted.data], [200, {}]);
    const listed = await call(handler, { action: 'list-parts', uploadId, key });
    assert.equal(listed.status, 404);
    assert.equal(listed.data.error.code, 'NoSuchUpload');
    assert.match(listed.data.error.message, /completed, aborted or never started/);
    assert.deepEqual((await call(handler, { action: 'abort', uploadId, key })).data, {});
    const complete = await call(handler, { action: 'complete', uploadId, key, parts: [{ partNumber: 1, etag: 'x' }] });
    assert.deepEqual([complete.status, complete.data.error.code], [404, 'NoSuchUpload']);
  });

  it('answers 404 for an upload id that never existed', async () => {
    const listed = await call(handler, { action: 'list-parts', uploadId: '2~never-was', key: upload.key });
    assert.deepEqual([listed.status, listed.data.error.code], [404, 'NoSuchUpload']);
  });

  it('passes on S3\'s InvalidPart (400) for an ETag the part never had', async () => {
    const { uploadId, key } = await uploadParts(handler, randomBytes(100), 'video/mp4', 5 * MiB);
    const done = await call(handler, { action: 'complete', uploadId, key, parts: [{ partNumber: 1, etag: '0'.repeat(32) }] });
    assert.deepEqual([done.status, done.data.error.code], [400, 'InvalidPart']);
    await call(handler, { action: 'abort', uploadId, key });
  });

  it('refuses to complete parts that add up to more than maxSize (413), and aborts the upload', async () => {
    const tight = createMultipartHandler({ ...storageOptions, maxSize: 6 * MiB });
    // Announced small, uploaded large: only the parts' sizes tell, at complete.
    const created = await call(tight, { action: 'create', filename: 'a.bin', contentType: 'application/octet-stream', size: 10 });
    const { uploadId, key } = created.data;
    const etags = [];
    for (const [partNumber, size] of [[1, 5 * MiB], [2, 2 * MiB]] as const) {
      const signed = await call(tight, { action: 'sign-part', uploadId, key, partNumber });
      etags.push(await putPart(signed.data.url, randomBytes(size)));
    }
    const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }));
    const done = await call(tight, { action: 'complete', uploadId, key, parts });
    assert.deepEqual([done.status, done.data.error.code], [413, 'EntityTooLarge']);
    assert.equal((await call(tight, { action: 'list-parts', uploadId, key })).status, 404, 'aborted');
  });

  it('stores the announced type; a part PUT to a URL for another part number fails the signature', async () => {
    const { uploadId, key } = await uploadParts(handler, randomBytes(10), 'application/pdf', 5 * MiB);
    const signed = await call(handler, { action: 'sign-part', uploadId, key, partNumber: 2 });
    const tampered = new URL(signed.data.url);
    tampered.searchParams.set('partNumber', '3');
    const response = await fetch(tampered, { method: 'PUT', body: new Uint8Array(10) });
    assert.equal(response.status, 403, await response.text());
    const listed = await call(handler, { action: 'list-parts', uploadId, key });
    const done = await call(handler, { action: 'complete', uploadId, key, parts: listed.data.parts });
    assert.equal(done.status, 200, JSON.stringify(done.data));
    assert.equal((await readObject(key)).contentType, 'application/pdf');
  });
});

describe('demo backend: /api/sign-put and /api/multipart', () => {
  let backend: DemoBackend;
  before(async () => {
    // The demo on the S3 under test (radosgw when S3_ENDPOINT is set), with this file's bucket.
    backend = await startDemoBackend({ s3: { endpoint: storage.endpoint, bucket, region: storage.region, credentials: storage.credentials } });
  });
  after(async () => backend?.close());

  const api = async (path: string, body: unknown): Promise<{ status: number; data: any }> => {
    const response = await fetch(`${backend.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, data: await response.json() };
  };

  it('uploads in parts, then registers the object through /api/register', async () => {
    const file = randomBytes(5 * MiB + 10);
    const created = await api('/api/multipart', { action: 'create', filename: 'big.bin', contentType: 'application/octet-stream', size: file.length });
    assert.equal(created.status, 200, JSON.stringify(created.data));
    const { uploadId, key } = created.data;
    assert.match(key, /^uploads\/users\/ada\//);
    const parts = [];
    for (const [partNumber, bytes] of [[1, file.subarray(0, 5 * MiB)], [2, file.subarray(5 * MiB)]] as const) {
      const signed = await api('/api/multipart', { action: 'sign-part', uploadId, key, partNumber });
      parts.push({ partNumber, etag: await putPart(signed.data.url, bytes) });
    }
    assert.equal((await api('/api/multipart', { action: 'complete', uploadId, key, parts })).status, 200);
    const registered = await api('/api/register', { key, size: file.length, contentType: 'application/octet-stream' });
    assert.equal(registered.status, 200, JSON.stringify(registered.data));
    assert.ok((await readObject(key)).bytes.equals(file));
  });

  it('refuses multipart keys outside the demo user\'s folder and signs PUTs under it', async () => {
    const foreign = await api('/api/multipart', { action: 'abort', uploadId: 'u', key: 'uploads/person/15/1/a.png' });
    assert.equal(foreign.status, 403);
    const put = await api('/api/sign-put', { filename: 'a.txt', contentType: 'text/plain', size: 5 });
    assert.equal(put.status, 200);
    assert.equal(put.data.method, 'PUT');
    assert.match(put.data.key, /^uploads\/users\/ada\//);
    const stored = await fetch(put.data.url, { method: 'PUT', headers: put.data.headers, body: 'hello' });
    assert.equal(stored.status, 200, await stored.text());
    assert.equal((await readObject(put.data.key)).bytes.toString(), 'hello');
  });
});
