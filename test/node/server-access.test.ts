// Two users of one app on presigned-uploader/server: `authorize` tells them apart, `keyPrefix`
// gives each a folder, and every action (sign, register, create, sign-part, list-parts, complete,
// abort) keeps each one to their own. Attacks are refused with their documented status and code
// and leave nothing stored or registered; the legitimate flow still works for both users.
// Against the S3 at S3_ENDPOINT when set (radosgw), else the dev storage.
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  allowedOrigins,
  createMultipartHandler,
  createRegisterHandler,
  createSignHandler,
  SignRefusal,
  type AcceptedUpload,
  type PresignedUpload,
} from '../../src/server/index.js';
import { openStorage, prepareBucket, type TestStorage } from '../helpers/node/e2e-backend.js';
import { withLoggedErrors } from '../helpers/node/logged-errors.js';

const bucket = 'pu-server-access';
type Handler = (request: Request) => Promise<Response>;
type Answer = { status: number; data: any };
interface User {
  id: string;
}

/** Users '1' and '10': the first one's folder name is a string prefix of the second's. */
const USERS: Record<string, User> = { 'token-1': { id: '1' }, 'token-10': { id: '10' } };
const ONE = 'token-1';
const TEN = 'token-10';

/** The app's own session check: a bearer token names the user. */
async function authorize(request: Request): Promise<User> {
  const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!token) throw new SignRefusal(401, 'Unauthenticated', 'Sign in first.');
  const user = USERS[token];
  if (!user) throw new SignRefusal(403, 'Forbidden', 'Unknown session.');
  return user;
}

/** Without the trailing '/': the handlers add it, so 'users/1' never takes 'users/10/…'. */
const keyPrefix = (user: User) => `users/${user.id}`;

let storage: TestStorage;
let client: S3Client;
let sign: Handler;
let multipart: Handler;
let register: Handler;
/** What onRegister recorded, per user: what "registered for the attacker" would show up in. */
const registered: Array<{ user: string; key: string }> = [];
/** Calls of beforeSign, to prove it ran with the caller's context and only after authorize. */
const beforeSignCalls: Array<{ user: string; key: string }> = [];

function beforeSign(user: User, upload: AcceptedUpload): void {
  beforeSignCalls.push({ user: user.id, key: upload.key });
  if (upload.filename === 'over-quota.bin') throw new SignRefusal(400, '268', 'Quota exceeded');
}

before(async () => {
  storage = await openStorage(bucket);
  const where = { bucket: storage.bucket, endpoint: storage.endpoint, region: storage.region, credentials: storage.credentials };
  client = new S3Client({ ...where, forcePathStyle: true });
  await prepareBucket(client, bucket);
  sign = createSignHandler({ ...where, maxSize: 1024 * 1024, authorize, keyPrefix, beforeSign });
  multipart = createMultipartHandler({ ...where, maxSize: 1024 * 1024, authorize, keyPrefix, beforeSign });
  register = createRegisterHandler({
    ...where,
    authorize,
    keyPrefix,
    onRegister: (object, _body, user) => void registered.push({ user: user.id, key: object.key }),
  });
});

after(async () => {
  client?.destroy();
  await storage?.close();
});

function request(token: string | undefined, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request('http://app.test/api', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function call(handler: Handler, token: string | undefined, body: unknown, headers?: Record<string, string>): Promise<Answer> {
  const response = await handler(request(token, body, headers));
  return { status: response.status, data: await response.json() };
}

function assertRefused(answer: Answer, status: number, code: string, what: string): void {
  assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.data)}`);
  assert.equal(answer.data.error.code, code, what);
}

async function keysUnder(prefix: string): Promise<string[]> {
  const answer = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (answer.Contents ?? []).map((object) => object.Key!);
}

/** Signs, POSTs the file to storage and registers it, as the element does for `token`'s user. */
async function uploadAs(token: string, filename: string, text: string): Promise<string> {
  const signed = await call(sign, token, { filename, contentType: 'text/plain', size: text.length });
  assert.equal(signed.status, 200, JSON.stringify(signed.data));
  const plan = signed.data as PresignedUpload;
  const form = new FormData();
  for (const [name, value] of Object.entries(plan.fields)) form.append(name, value);
  form.append('file', new Blob([text], { type: 'text/plain' }), filename);
  const stored = await fetch(plan.url, { method: 'POST', body: form });
  assert.equal(stored.status, 201, await stored.text());
  const done = await call(register, token, { key: plan.key, size: text.length, contentType: 'text/plain' });
  assert.equal(done.status, 200, JSON.stringify(done.data));
  return plan.key;
}

/** create -> sign-part -> PUT -> complete (one part: the last part may be small), without register. */
async function multipartAs(token: string, filename: string, text: string): Promise<{ key: string; uploadId: string; etag: string }> {
  const created = await call(multipart, token, { action: 'create', filename, contentType: 'text/plain', size: text.length });
  assert.equal(created.status, 200, JSON.stringify(created.data));
  const { key, uploadId } = created.data as { key: string; uploadId: string };
  const part = await call(multipart, token, { action: 'sign-part', key, uploadId, partNumber: 1 });
  assert.equal(part.status, 200, JSON.stringify(part.data));
  const put = await fetch(part.data.url, { method: 'PUT', body: text });
  assert.equal(put.status, 200, await put.text());
  return { key, uploadId, etag: put.headers.get('etag')! };
}

/** Every action that names a key, with that key and the upload id it goes with. */
function keyedActions(key: string, uploadId: string, etag = 'etag'): Array<[string, Handler, Record<string, unknown>]> {
  return [
    ['register', register, { key, size: 5, contentType: 'text/plain' }],
    ['sign-part', multipart, { action: 'sign-part', key, uploadId, partNumber: 1 }],
    ['list-parts', multipart, { action: 'list-parts', key, uploadId }],
    ['complete', multipart, { action: 'complete', key, uploadId, parts: [{ partNumber: 1, etag }] }],
    ['abort', multipart, { action: 'abort', key, uploadId }],
  ];
}

describe('authorize', () => {
  const everyAction = (): Array<[string, Handler, unknown]> => [
    ['sign', sign, { filename: 'a.txt', contentType: 'text/plain', size: 1 }],
    ['create', multipart, { action: 'create', filename: 'a.txt', contentType: 'text/plain', size: 1 }],
    ...keyedActions('users/1/x/a.txt', 'u'),
  ];

  it('refuses a caller without a session (401) or with an unknown one (403) on every action, before reading the body', async () => {
    const calls = beforeSignCalls.length;
    for (const [name, handler, body] of everyAction()) {
      assertRefused(await call(handler, undefined, body), 401, 'Unauthenticated', name);
      assertRefused(await call(handler, 'token-stolen', body), 403, 'Forbidden', name);
      // A body that is not even JSON: authorize answers first, so an anonymous caller learns nothing of the body rules.
      assertRefused(await call(handler, undefined, '{not json'), 401, 'Unauthenticated', `${name} with a bad body`);
    }
    assert.equal(beforeSignCalls.length, calls, 'beforeSign never ran for a refused caller');
    assert.deepEqual(registered, []);
  });

  it('accepts only Content-Type: application/json (415 JsonRequired), so no cross-site form can post without a CORS preflight', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', '']) {
      for (const [name, handler, body] of everyAction()) {
        assertRefused(await call(handler, ONE, body, { 'Content-Type': type }), 415, 'JsonRequired', `${name} as "${type}"`);
      }
    }
    assert.equal((await call(sign, ONE, { filename: 'a.txt', contentType: 'text/plain', size: 1 }, { 'Content-Type': 'application/json; charset=utf-8' })).status, 200);
  });
});

describe('per-user scope on every action', () => {
  let keyOfOne = '';
  let pendingOfOne: { key: string; uploadId: string; etag: string };

  it('lets both users upload, register and complete multipart uploads in their own folders', async () => {
    keyOfOne = await uploadAs(ONE, 'one.txt', 'from user 1');
    const keyOfTen = await uploadAs(TEN, 'ten.txt', 'from user 10');
    assert.match(keyOfOne, /^users\/1\/[^/]+\/one\.txt$/);
    assert.match(keyOfTen, /^users\/10\/[^/]+\/ten\.txt$/);
    assert.deepEqual(registered, [
      { user: '1', key: keyOfOne },
      { user: '10', key: keyOfTen },
    ]);

    for (const token of [ONE, TEN]) {
      const { key, uploadId, etag } = await multipartAs(token, 'parts.txt', 'in parts');
      const listed = await call(multipart, token, { action: 'list-parts', key, uploadId });
      assert.equal(listed.data.parts.length, 1);
      const done = await call(multipart, token, { action: 'complete', key, uploadId, parts: [{ partNumber: 1, etag }] });
      assert.equal(done.status, 200, JSON.stringify(done.data));
      assert.ok(key.startsWith(`users/${USERS[token]!.id}/`));
    }
    // beforeSign saw each caller's own context and key.
    for (const call of beforeSignCalls) assert.ok(call.key.startsWith(`users/${call.user}/`), JSON.stringify(call));
  });

  it("refuses user 10 every action on user 1's keys (403 KeyNotAllowed); nothing is registered, aborted or stored for them", async () => {
    pendingOfOne = await multipartAs(ONE, 'pending.txt', 'not yet');
    const before = registered.length;
    for (const [key, uploadId] of [
      [keyOfOne, 'u'],
      [pendingOfOne.key, pendingOfOne.uploadId],
    ] as const) {
      for (const [name, handler, body] of keyedActions(key, uploadId, pendingOfOne.etag)) {
        assertRefused(await call(handler, TEN, body), 403, 'KeyNotAllowed', `user 10 ${name} ${key}`);
      }
    }
    assert.equal(registered.length, before, 'nothing registered for user 10');
    // User 1's upload survived user 10's abort and complete attempts.
    const done = await call(multipart, ONE, { action: 'complete', ...pendingOfOne, parts: [{ partNumber: 1, etag: pendingOfOne.etag }] });
    assert.equal(done.status, 200, JSON.stringify(done.data));
    assert.equal((await keysUnder('users/10/')).filter((key) => key.includes('pending')).length, 0);
  });

  it('refuses keys with path tricks and look-alikes on every keyed action', async () => {
    const id = 'e0c7a8f2-6a4b-4c47-9a39-1b8f1e4f0e11';
    const tricks = [
      `users/10/../1/${id}/one.txt`,
      `users/10/%2e%2e/1/${id}/one.txt`,
      `users/10/%2E%2E/1/${id}/one.txt`,
      `users/10/.%2e/1/${id}/one.txt`,
      `users/10/./${id}/one.txt`,
      `users/10//${id}/one.txt`,
      `users/10/${id}//one.txt`,
      `users/10/..\\..\\1\\${id}\\one.txt`,
      `users/10/${id}/one\u0000.txt`,
      `/users/10/${id}/one.txt`,
      'users/10/',
      'users/10',
      // Look-alikes: full-width digits, Cyrillic "ѕ", the division slash, a decomposed form.
      `users/\uff11\uff10/${id}/one.txt`,
      `u\u0455ers/10/${id}/one.txt`,
      `users\u221510/${id}/one.txt`,
      `users/1\u0030\u0301/${id}/one.txt`,
    ];
    for (const key of tricks) {
      for (const [name, handler, body] of keyedActions(key, 'u')) {
        assertRefused(await call(handler, TEN, body), 403, 'KeyNotAllowed', `${name} ${JSON.stringify(key)}`);
      }
    }
    // User 1's folder name is a string prefix of user 10's: user 1 gets nothing of 'users/10/'.
    for (const [name, handler, body] of keyedActions(`users/10/${id}/ten.txt`, 'u')) {
      assertRefused(await call(handler, ONE, body), 403, 'KeyNotAllowed', `user 1 ${name} users/10/…`);
    }
  });

  it('chooses the key itself on sign and create: path tricks in the file name or a key in the body land in the caller\'s folder', async () => {
    for (const filename of ['../../1/x.txt', '%2e%2e/%2e%2e/1/x.txt', '..', '/etc/passwd', 'a/../../b.txt', '\uff0e\uff0e/x.txt']) {
      for (const [name, handler, extra] of [
        ['sign', sign, {}],
        ['create', multipart, { action: 'create' }],
      ] as const) {
        const answer = await call(handler, TEN, { ...extra, filename, contentType: 'text/plain', size: 3, key: `users/1/${filename}` });
        assert.equal(answer.status, 200, `${name} ${filename}: ${JSON.stringify(answer.data)}`);
        const key: string = answer.data.key;
        assert.match(key, /^users\/10\/[0-9a-f-]{36}\/[^/]+$/, `${name} ${filename} -> ${key}`);
        assert.ok(!key.split('/').includes('..'));
        if (name === 'create') await call(multipart, TEN, { action: 'abort', key, uploadId: answer.data.uploadId });
      }
    }
  });
});

describe('keyPrefix as a function: checked on every call', () => {
  it('answers 500 with nothing signed when the function gives an unsafe prefix, and logs why', async () => {
    const where = { bucket: storage.bucket, endpoint: storage.endpoint, region: storage.region, credentials: storage.credentials };
    for (const bad of ['../users/1/', '/users/1/', 'users/${aws:username}/', 'users/1\n/', 'users/./1/', 'users//1/', 'users\\1/']) {
      const handler = createSignHandler({ ...where, maxSize: 100, authorize, keyPrefix: () => bad });
      const { result, logged } = await withLoggedErrors(() => call(handler, ONE, { filename: 'a.txt', contentType: 'text/plain', size: 1 }));
      assertRefused(result, 500, 'InternalError', JSON.stringify(bad));
      assert.match(String(logged[0]?.[1]), /keyPrefix/, JSON.stringify(bad));
    }
  });

  it('throws at creation for an unsafe string prefix', () => {
    for (const bad of ['../x/', '/x/', '${x}/', 'x/../y/']) {
      assert.throws(() => createRegisterHandler({ bucket, keyPrefix: bad }), TypeError, bad);
    }
  });
});

describe('beforeSign', () => {
  it("refuses with the app's own status, code and message on sign and on multipart create", async () => {
    const body = { filename: 'over-quota.bin', contentType: 'application/octet-stream', size: 10 };
    assertRefused(await call(sign, ONE, body), 400, '268', 'sign');
    const refused = await call(multipart, ONE, { action: 'create', ...body });
    assertRefused(refused, 400, '268', 'create');
    assert.equal(refused.data.error.message, 'Quota exceeded');
  });
});

describe('allowedOrigins', () => {
  const checkOrigin = allowedOrigins(['https://app.example', 'http://localhost:5173']);
  const from = (headers: Record<string, string>) => new Request('https://app.example/api/sign', { method: 'POST', headers });

  it('lets the listed origins and non-browser callers through', () => {
    checkOrigin(from({ Origin: 'https://app.example' }));
    checkOrigin(from({ Origin: 'http://localhost:5173', 'Sec-Fetch-Site': 'same-site' }));
    checkOrigin(from({ 'Sec-Fetch-Site': 'same-origin' }));
    checkOrigin(from({}));
  });

  it('refuses other origins, opaque ones and cross-site requests without Origin with 403 OriginNotAllowed', () => {
    const refused: Array<Record<string, string>> = [
      { Origin: 'https://evil.example' },
      { Origin: 'https://app.example.evil.example' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of refused) {       assert.throws(() => checkOrigin(from(headers)), (error: unknown) => error instanceof SignRefusal && error.status === 403 && error.code === 'OriginNotAllowed', JSON.stringify(headers));
    }
  });

  it('refuses a cross-site call in authorize before anything is signed', async () => {
    const where = { bucket: storage.bucket, endpoint: storage.endpoint, region: storage.region, credentials: storage.credentials };
    const handler = createSignHandler({
      ...where,
      maxSize: 100,
      authorize: (request) => {
        checkOrigin(request);
        return authorize(request);
      },
    });
    const body = { filename: 'a.txt', contentType: 'text/plain', size: 1 };
    assertRefused(await call(handler, ONE, body, { Origin: 'https://evil.example' }), 403, 'OriginNotAllowed', 'evil origin');
    assert.equal((await call(handler, ONE, body, { Origin: 'https://app.example' })).status, 200);
  });

  it('throws at creation for an entry that is not an origin', () => {
    for (const bad of ['app.example', 'https://app.example/', 'https://app.example/path', '*']) {
      assert.throws(() => allowedOrigins([bad]), TypeError, bad);
    }
  });
});
