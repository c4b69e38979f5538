// The embedded dev storage: browser POST uploads verified as S3 verifies them (policies signed by
// the AWS SDK, and by hand where the SDK cannot make the case), objects read back through plain
// HTTP and the AWS SDK, CORS, path safety, and uploads cut off mid-body.
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  assertS3Error,
  credentials,
  md5,
  region,
  sha256,
  startTestDevStorage,
  tag,
  waitFor,
  type TestDevStorage,
} from '../helpers/node/dev-storage-fixture.js';

const bucket = 'dev-bucket';

type Fields = Record<string, string>;
interface Plan {
  url: string;
  fields: Fields;
}
interface FilePart {
  bytes: Uint8Array;
  name: string;
  type?: string;
}

const text = (value: string) => new TextEncoder().encode(value);

/** What a browser sends: the fields in order, the file, then (to prove S3 ignores them) any fields after it. */
function formOf(plan: Plan, file: FilePart, after: Fields = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(plan.fields)) form.append(name, value);
  form.append('file', new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name);
  for (const [name, value] of Object.entries(after)) form.append(name, value);
  return form;
}

const postForm = (plan: Plan, file: FilePart, after: Fields = {}) => fetch(plan.url, { method: 'POST', body: formOf(plan, file, after) });

// SigV4 written from the spec, independent of both the SDK and the server.
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const amzDateOf = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
const signingKeyByHand = (secret: string, day: string) => hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 's3'), 'aws4_request');

/** The signed fields of a POST policy: the signature is an HMAC of the base64 policy itself. */
function signPolicyByHand(policy: object, secret: string, date: Date): Fields {
  const amzDate = amzDateOf(date);
  const encoded = Buffer.from(JSON.stringify(policy)).toString('base64');
  return {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${amzDate.slice(0, 8)}/${region}/s3/aws4_request`,
    'X-Amz-Date': amzDate,
    Policy: encoded,
    'X-Amz-Signature': hmac(signingKeyByHand(secret, amzDate.slice(0, 8)), encoded).toString('hex'),
  };
}

/** A presigned GET URL (query-string SigV4, host the only signed header). */
function presignGetByHand(base: string, path: string, date: Date, expiresIn: number): string {
  const amzDate = amzDateOf(date);
  const scope = `${amzDate.slice(0, 8)}/${region}/s3/aws4_request`;
  const query = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(expiresIn),
    'X-Amz-SignedHeaders': 'host',
  });
  query.sort();
  const canonicalQuery = query.toString().replace(/\+/g, '%20');
  const canonical = ['GET', path, canonicalQuery, `host:${new URL(base).host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const signature = hmac(signingKeyByHand(credentials.secretAccessKey, amzDate.slice(0, 8)), toSign).toString('hex');
  // Sent in another order than signed: the server must sort, as S3 does.
  const sent = canonicalQuery.split('&').reverse().join('&');
  return `${base}${path}?X-Amz-Signature=${signature}&${sent}`;
}

/** Every file under a folder, as absolute paths. */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)])));
  return nested.flat();
}

/** A GET whose path is sent exactly as written: fetch and `new URL()` would resolve `..` first. */
function rawGet(base: string, path: string): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolvePromise, reject) => {
    const { hostname, port } = new URL(base);
    const req = httpRequest({ hostname, port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dev storage', () => {
  let storage: TestDevStorage;
  let client: S3Client;

  before(async () => {
    storage = await startTestDevStorage('pu-dev-storage-', [bucket]);
    client = storage.client;
  });
  after(() => storage?.close());

  const presign = (options: Omit<PresignedPostOptions, 'Bucket'> & { Bucket?: string }, signer: S3Client = client) =>
    createPresignedPost(signer, { Bucket: bucket, Expires: 300, ...options });

  const tempFiles = () => storage.tempFiles();

  it('listens on a random loopback port and names it without a trailing slash', () => {
    assert.match(storage.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(storage.url, `http://127.0.0.1:${storage.port}`);
    assert.notEqual(storage.port, 0);
  });

  describe('browser POST', () => {
    /** A 400 that must leave no trace: S3's error with these detail tags, no object under `key`, no temp file. */
    async function assertRefusedUnstored(response: Response, key: string, code: string, message: string, details: Record<string, string>): Promise<void> {
      const xml = await assertS3Error(response, 400, code, message);
      for (const [name, value] of Object.entries(details)) assert.equal(tag(xml, name), value, name);
      await assert.rejects(client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), { name: 'NotFound' });
      assert.deepEqual(await tempFiles(), []);
    }

    it('answers 204 with no body by default, with the ETag and Location headers', async () => {
      const bytes = text('hello, storage');
      const plan = await presign({ Key: 'notes/hello.txt' });
      assert.equal(plan.url, `${storage.url}/${bucket}`, 'the SDK addresses the bucket path-style');
      const response = await postForm(plan, { bytes, name: 'hello.txt', type: 'text/plain' });
      assert.equal(response.status, 204);
      assert.equal(await response.text(), '');
      assert.equal(response.headers.get('etag'), `"${md5(bytes)}"`);
      assert.equal(response.headers.get('location'), `${storage.url}/${bucket}/notes/hello.txt`);
      assert.match(response.headers.get('x-amz-request-id') ?? '', /^[0-9A-F]{16}$/);
    });

    it('takes POST /BUCKET/ as well as POST /BUCKET', async () => {
      const plan = await presign({ Key: 'slash.txt' });
      const response = await postForm({ ...plan, url: `${plan.url}/` }, { bytes: text('x'), name: 'slash.txt' });
      assert.equal(response.status, 204, await response.text());
    });

    it('answers 200 with no body for success_action_status=200', async () => {
      const plan = await presign({ Key: 'two-hundred.txt', Fields: { success_action_status: '200' } });
      const response = await postForm(plan, { bytes: text('200'), name: 'x.txt' });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), '');
      assert.equal(response.headers.get('etag'), `"${md5(text('200'))}"`);
    });

    it("answers 201 with S3's PostResponse XML, values escaped", async () => {
      const bytes = randomBytes(1000);
      const key = 'reports/Q1 & Q2 <final>.pdf';
      const plan = await presign({ Key: key, Fields: { success_action_status: '201' } });
      const response = await postForm(plan, { bytes, name: 'report.pdf', type: 'application/pdf' });
      const xml = await response.text();
      assert.equal(response.status, 201, xml);
      assert.equal(response.headers.get('content-type'), 'application/xml');
      assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<PostResponse><Location>/);
      assert.ok(xml.includes('<Key>reports/Q1 &amp; Q2 &lt;final&gt;.pdf</Key>'), xml);
      assert.equal(tag(xml, 'Key'), key);
      assert.equal(tag(xml, 'Bucket'), bucket);
      assert.equal(tag(xml, 'ETag'), `"${md5(bytes)}"`);
      const location = tag(xml, 'Location')!;
      assert.equal(location, `${storage.url}/${bucket}/reports/Q1%20%26%20Q2%20%3Cfinal%3E.pdf`);
      assert.equal(response.headers.get('location'), location);
      const back = await fetch(location);
      assert.equal(sha256(new Uint8Array(await back.arrayBuffer())), sha256(bytes), 'Location names the stored object');
    });

    it('redirects with 303 to success_action_redirect, adding bucket, key and ETag', async () => {
      const bytes = text('redirected');
      const plan = await presign({ Key: 'done/r.txt', Fields: { success_action_redirect: 'https://app.test/uploaded?from=form' } });
      const response = await fetch(plan.url, { method: 'POST', body: formOf(plan, { bytes, name: 'r.txt' }), redirect: 'manual' });
      assert.equal(response.status, 303, await response.text());
      const location = new URL(response.headers.get('location')!);
      assert.equal(location.origin + location.pathname, 'https://app.test/uploaded');
      assert.deepEqual(Object.fromEntries(location.searchParams), { from: 'form', bucket, key: 'done/r.txt', etag: `"${md5(bytes)}"` });
    });

    it("puts the file's name into a key ending in ${filename} before checking conditions", async () => {
      const plan = await presign({ Key: 'user-7/${filename}', Fields: { success_action_status: '201' } });
      const policy = JSON.parse(Buffer.from(plan.fields['Policy']!, 'base64').toString('utf8'));
      assert.deepEqual(policy.conditions.at(-1), ['starts-with', '$key', 'user-7/'], 'the SDK signs a starts-with for it');
      const response = await postForm(plan, { bytes: text('picture'), name: 'holiday pic ü.jpg', type: 'image/jpeg' });
      const xml = await response.text();
      assert.equal(response.status, 201, xml);
      assert.equal(tag(xml, 'Key'), 'user-7/holiday pic ü.jpg');
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'user-7/holiday pic ü.jpg' }));
      assert.equal(head.ContentLength, 7);
    });

    it('refuses a file over the content-length-range maximum with EntityTooLarge, storing nothing', async () => {
      const plan = await presign({ Key: 'big.bin', Conditions: [['content-length-range', 0, 100]] });
      const exact = await postForm(plan, { bytes: randomBytes(100), name: 'big.bin' });
      assert.equal(exact.status, 204, 'the maximum itself is allowed');
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin' }));

      const plan2 = await presign({ Key: 'too-big.bin', Conditions: [['content-length-range', 0, 100]] });
      await assertRefusedUnstored(
        await postForm(plan2, { bytes: randomBytes(101), name: 'too-big.bin' }),
        'too-big.bin',
        'EntityTooLarge',
        'Your proposed upload exceeds the maximum allowed size',
        { MaxSizeAllowed: '100', ProposedSize: '101' },
      );
    });

    it('stops writing a file as soon as it passes the maximum, and still answers a client that keeps sending', async () => {
      const plan = await presign({ Key: 'huge.bin', Conditions: [['content-length-range', 0, 1024]] });
      const watcher = { largest: 0, stop: false };
      // Watches the temp file while the 8 MB body arrives: no more than the limit may ever reach disk.
      const watching = (async () => {
        while (!watcher.stop) {
          for (const name of await tempFiles().catch(() => [])) {
            const { size } = await stat(join(storage.dataDir, '.tmp', name)).catch(() => ({ size: 0 }));
            watcher.largest = Math.max(watcher.largest, size);
          }
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      try {
        await assertS3Error(await postForm(plan, { bytes: randomBytes(8 * 1024 * 1024), name: 'huge.bin' }), 400, 'EntityTooLarge');
      } finally {
        watcher.stop = true;
        await watching;
      }
      assert.ok(watcher.largest <= 1024, `a temp file reached ${watcher.largest} bytes`);
      assert.deepEqual(await tempFiles(), []);
    });

    it('refuses a file under the content-length-range minimum with EntityTooSmall', async () => {
      const plan = await presign({ Key: 'small.bin', Conditions: [['content-length-range', 10, 100]] });
      await assertRefusedUnstored(
        await postForm(plan, { bytes: randomBytes(9), name: 'small.bin' }),
        'small.bin',
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed size',
        { MinSizeAllowed: '10', ProposedSize: '9' },
      );
    });

    it('refuses a key over 1024 UTF-8 bytes with KeyTooLongError, counting the bytes of the filled-in ${filename}', async () => {
      // 1020 + 'ü.tx' (5 bytes): one byte over; as characters it would be within the limit.
      const plan = await presign({ Key: `${'k'.repeat(1020)}\${filename}` });
      await assertRefusedUnstored(
        await postForm(plan, { bytes: text('x'), name: 'ü.tx' }),
        `${'k'.repeat(1020)}ü.tx`,
        'KeyTooLongError',
        'Your key is too long',
        { MaxSizeAllowed: '1024', Size: '1025' },
      );
    });

    it('refuses an expired policy, and takes the same hand-signed policy while it is valid', async () => {
      const conditions = [{ bucket }, { key: 'expiry.txt' }, ['starts-with', '$x-amz-algorithm', ''], ['starts-with', '$x-amz-credential', ''], ['starts-with', '$x-amz-date', '']];
      const signed = (expiration: Date) => ({
        url: `${storage.url}/${bucket}`,
        fields: { key: 'expiry.txt', ...signPolicyByHand({ expiration: expiration.toISOString(), conditions }, credentials.secretAccessKey, new Date()) },
      });
      const valid = await postForm(signed(new Date(Date.now() + 60_000)), { bytes: text('on time'), name: 'a.txt' });
      assert.equal(valid.status, 204, await valid.text());

      await assertS3Error(
        await postForm(signed(new Date(Date.now() - 1000)), { bytes: text('late'), name: 'a.txt' }),
        403,
        'AccessDenied',
        'Invalid according to Policy: Policy expired.',
      );
    });

    it('refuses a tampered signature or policy with SignatureDoesNotMatch', async () => {
      const message = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.';
      const plan = await presign({ Key: 'tamper.txt', Conditions: [['content-length-range', 0, 10]] });
      const signature = plan.fields['X-Amz-Signature']!;
      const flipped = signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      await assertS3Error(
        await postForm({ ...plan, fields: { ...plan.fields, 'X-Amz-Signature': flipped } }, { bytes: text('x'), name: 'x' }),
        403,
        'SignatureDoesNotMatch',
        message,
      );
      // A policy rewritten to allow more, under the original signature.
      const policy = Buffer.from(plan.fields['Policy']!, 'base64').toString('utf8').replace('[\"content-length-range\",0,10]', '[\"content-length-range\",0,100000]');
      assert.notEqual(Buffer.from(policy).toString('base64'), plan.fields['Policy']);
      await assertS3Error(
        await postForm({ ...plan, fields: { ...plan.fields, Policy: Buffer.from(policy).toString('base64') } }, { bytes: randomBytes(50), name: 'x' }),
        403,
        'SignatureDoesNotMatch',
        message,
      );
      // Signed with the wrong secret.
      const wrongSecret = new S3Client({ endpoint: storage.url, forcePathStyle: true, region, credentials: { ...credentials, secretAccessKey: 'guess' } });
      await assertS3Error(await postForm(await presign({ Key: 'tamper.txt' }, wrongSecret), { bytes: text('x'), name: 'x' }), 403, 'SignatureDoesNotMatch');
      wrongSecret.destroy();
    });

    it('refuses a policy signed for another region', async () => {
      const elsewhere = new S3Client({ endpoint: storage.url, forcePathStyle: true, region: 'eu-west-1', credentials });
      const xml = await assertS3Error(
        await postForm(await presign({ Key: 'region.txt' }, elsewhere), { bytes: text('x'), name: 'x' }),
        400,
        'AuthorizationQueryParametersError',
      );
      assert.match(tag(xml, 'Message')!, /the region 'eu-west-1' is wrong; expecting 'us-east-1'/);
      elsewhere.destroy();
    });

    it('refuses an unknown access key with InvalidAccessKeyId', async () => {
      const stranger = new S3Client({ endpoint: storage.url, forcePathStyle: true, region, credentials: { accessKeyId: 'nobody', secretAccessKey: 'x' } });
      const xml = await assertS3Error(
        await postForm(await presign({ Key: 'stranger.txt' }, stranger), { bytes: text('x'), name: 'x' }),
        403,
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
      );
      assert.equal(tag(xml, 'AWSAccessKeyId'), 'nobody');
      stranger.destroy();
    });

    it('refuses a field no condition covers, but not x-ignore-* fields', async () => {
      const plan = await presign({ Key: 'extra.txt' });
      await assertS3Error(
        await postForm({ ...plan, fields: { ...plan.fields, 'x-amz-meta-sneaky': 'yes' } }, { bytes: text('x'), name: 'x' }),
        403,
        'AccessDenied',
        'Invalid according to Policy: Extra input fields: x-amz-meta-sneaky',
      );
      const ignored = await postForm({ ...plan, fields: { ...plan.fields, 'X-Ignore-Note': 'fine' } }, { bytes: text('x'), name: 'x' });
      assert.equal(ignored.status, 204, await ignored.text());
    });

    it('checks starts-with conditions: a failing prefix is refused, an empty prefix takes anything', async () => {
      const plan = await presign({
        Key: 'typed.png',
        Conditions: [['starts-with', '$Content-Type', 'image/'], ['starts-with', '$x-amz-meta-note', '']],
      });
      await assertS3Error(
        await postForm({ ...plan, fields: { ...plan.fields, 'Content-Type': 'text/html', 'x-amz-meta-note': '' } }, { bytes: text('<p>'), name: 'x' }),
        403,
        'AccessDenied',
        'Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]',
      );
      const ok = await postForm({ ...plan, fields: { ...plan.fields, 'Content-Type': 'image/png', 'x-amz-meta-note': 'anything' } }, { bytes: text('png'), name: 'x' });
      assert.equal(ok.status, 204, await ok.text());
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'typed.png' }));
      assert.equal(head.ContentType, 'image/png', "the form's Content-Type is the object's type");
      assert.deepEqual(head.Metadata, { note: 'anything' });
    });

    it('serves back metadata that is not ASCII, RFC 2047 encoded', async () => {
      const plan = await presign({ Key: 'meta-utf8.txt', Conditions: [['starts-with', '$x-amz-meta-title', '']] });
      const response = await postForm({ ...plan, fields: { ...plan.fields, 'x-amz-meta-title': '日本 ü' } }, { bytes: text('x'), name: 'x' });
      assert.equal(response.status, 204, await response.text());
      const back = await fetch(`${storage.url}/${bucket}/meta-utf8.txt`);
      assert.equal(back.status, 200);
      assert.equal(back.headers.get('x-amz-meta-title'), `=?UTF-8?B?${Buffer.from('日本 ü').toString('base64')}?=`);
    });

    it('refuses an exact condition on a field that was not sent', async () => {
      const plan = await presign({ Key: 'meta.txt', Conditions: [{ 'x-amz-meta-owner': 'alice' }] });
      await assertS3Error(
        await postForm(plan, { bytes: text('x'), name: 'x' }),
        403,
        'AccessDenied',
        'Invalid according to Policy: Policy Condition failed: ["eq", "$x-amz-meta-owner", "alice"]',
      );
    });

    it('matches field names case-insensitively, as S3 does', async () => {
      const plan = await presign({ Key: 'cases.txt' });
      const lowered = Object.fromEntries(Object.entries(plan.fields).map(([name, value]) => [name.toLowerCase(), value]));
      assert.ok('policy' in lowered && 'x-amz-signature' in lowered);
      const response = await postForm({ ...plan, fields: lowered }, { bytes: text('x'), name: 'x' });
      assert.equal(response.status, 204, await response.text());
    });

    it('ignores fields after the file: a condition they would meet fails, an uncovered one is not "extra"', async () => {
      const plan = await presign({ Key: 'late.txt', Conditions: [{ 'x-amz-meta-owner': 'alice' }] });
      await assertS3Error(
        await postForm(plan, { bytes: text('x'), name: 'x' }, { 'x-amz-meta-owner': 'alice' }),
        403,
        'AccessDenied',
        'Invalid according to Policy: Policy Condition failed: ["eq", "$x-amz-meta-owner", "alice"]',
      );
      const plain = await presign({ Key: 'late.txt' });
      const response = await postForm(plain, { bytes: text('x'), name: 'x' }, { 'x-not-in-policy': 'ignored', key: 'elsewhere.txt' });
      assert.equal(response.status, 204, await response.text());
      assert.equal(response.headers.get('location'), `${storage.url}/${bucket}/late.txt`, 'a key after the file changes nothing');
    });

    it('answers S3 errors for a form without a file, key or policy, and for an unknown bucket', async () => {
      const plan = await presign({ Key: 'parts.txt' });
      const noFile = new FormData();
      for (const [name, value] of Object.entries(plan.fields)) noFile.append(name, value);
      await assertS3Error(await fetch(plan.url, { method: 'POST', body: noFile }), 400, 'InvalidArgument', 'POST requires exactly one file upload per request.');

      const { key: _key, ...withoutKey } = plan.fields;
      await assertS3Error(await postForm({ ...plan, fields: withoutKey }, { bytes: text('x'), name: 'x' }), 400, 'InvalidArgument', /field named 'key'/);
      const { Policy: _policy, ...withoutPolicy } = plan.fields;
      await assertS3Error(await postForm({ ...plan, fields: withoutPolicy }, { bytes: text('x'), name: 'x' }), 400, 'InvalidArgument', /field named 'policy'/);

      const garbled = { ...plan.fields, ...signPolicyByHand({ conditions: [] }, credentials.secretAccessKey, new Date()) };
      await assertS3Error(await postForm({ ...plan, fields: garbled }, { bytes: text('x'), name: 'x' }), 400, 'InvalidPolicyDocument', 'Invalid Policy: Policy missing expiration.');

      const xml = await assertS3Error(
        await postForm({ ...plan, url: `${storage.url}/no-such-bucket` }, { bytes: text('x'), name: 'x' }),
        404,
        'NoSuchBucket',
      );
      assert.equal(tag(xml, 'BucketName'), 'no-such-bucket');
    });

    it('refuses fields over 20 KB before the file, and a field sent twice', async () => {
      const plan = await presign({ Key: 'fields.txt', Conditions: [['starts-with', '$x-amz-meta-big', '']] });
      await assertS3Error(
        await postForm({ ...plan, fields: { ...plan.fields, 'x-amz-meta-big': 'x'.repeat(21 * 1024) } }, { bytes: text('x'), name: 'x' }),
        400,
        'MaxPostPreDataLengthExceededError',
      );
      const twice = formOf(plan, { bytes: text('x'), name: 'x' });
      const form = new FormData();
      form.append('KEY', 'other.txt');
      for (const [name, value] of twice) form.append(name, value);
      await assertS3Error(await fetch(plan.url, { method: 'POST', body: form }), 400, 'InvalidArgument', /'key' appears more than once/);
    });

    it('answers a malformed body with MalformedPOSTRequest and keeps serving', async () => {
      const response = await fetch(`${storage.url}/${bucket}`, {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
        body: '--xyz\r\nContent-Disposition: form-data; name="key"\r\n\r\nvalue\r\n--xyz\r\nbroken header line\r\n\r\n',
      });
      await assertS3Error(response, 400, 'MalformedPOSTRequest');
      const plan0 = await presign({ Key: 'unterminated.txt' });
      const fields = Object.entries(plan0.fields).map(([name, value]) => `--xyz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
      const unterminated = await fetch(`${storage.url}/${bucket}`, {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
        body: `${fields.join('')}--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nno closing boundary`,
      });
      await assertS3Error(unterminated, 400, 'MalformedPOSTRequest');
      await assert.rejects(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'unterminated.txt' })), { name: 'NotFound' });
      await assertS3Error(
        await fetch(`${storage.url}/${bucket}`, { method: 'POST', body: 'key=value', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
        412,
        'PreconditionFailed',
      );
      const plan = await presign({ Key: 'after-malformed.txt' });
      assert.equal((await postForm(plan, { bytes: text('x'), name: 'x' })).status, 204);
    });
  });

  describe('reading objects back', () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const key = 'media/clip.bin';

    before(async () => {
      const plan = await presign({ Key: key, Fields: { 'Content-Type': 'video/mp4', 'Cache-Control': 'max-age=60' } });
      const response = await postForm(plan, { bytes, name: 'clip.mp4', type: 'video/mp4' });
      assert.equal(response.status, 204, await response.text());
    });

    it('GET streams back the same bytes with Content-Type, Content-Length, ETag and Last-Modified', async () => {
      const response = await fetch(`${storage.url}/${bucket}/${key}`);
      assert.equal(response.status, 200);
      const body = new Uint8Array(await response.arrayBuffer());
      assert.equal(sha256(body), sha256(bytes));
      assert.equal(response.headers.get('content-type'), 'video/mp4');
      assert.equal(response.headers.get('content-length'), String(bytes.length));
      assert.equal(response.headers.get('etag'), `"${md5(bytes)}"`);
      assert.equal(response.headers.get('cache-control'), 'max-age=60');
      const modified = Date.parse(response.headers.get('last-modified')!);
      assert.ok(Math.abs(modified - Date.now()) < 60_000, response.headers.get('last-modified')!);
    });

    it('HEAD sends the same headers and no body', async () => {
      const response = await fetch(`${storage.url}/${bucket}/${key}`, { method: 'HEAD' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-length'), String(bytes.length));
      assert.equal(response.headers.get('etag'), `"${md5(bytes)}"`);
      assert.equal((await response.arrayBuffer()).byteLength, 0);
    });

    it('answers NoSuchKey XML on GET and a bare 404 on HEAD for a missing key', async () => {
      const xml = await assertS3Error(await fetch(`${storage.url}/${bucket}/media/none.bin`), 404, 'NoSuchKey', 'The specified key does not exist.');
      assert.equal(tag(xml, 'Key'), 'media/none.bin');
      const head = await fetch(`${storage.url}/${bucket}/media/none.bin`, { method: 'HEAD' });
      assert.equal(head.status, 404);
    });

    it('works with the AWS SDK: HeadObject, GetObject and ListObjectsV2', async () => {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(head.ContentLength, bytes.length);
      assert.equal(head.ContentType, 'video/mp4');
      assert.equal(head.ETag, `"${md5(bytes)}"`);
      assert.ok(head.LastModified instanceof Date);

      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const hash = createHash('sha256');
      for await (const chunk of object.Body as Readable) hash.update(chunk as Buffer);
      assert.equal(hash.digest('hex'), sha256(bytes));

      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'media/' }));
      assert.equal(listed.KeyCount, 1);
      assert.equal(listed.IsTruncated, false);
      assert.deepEqual(
        listed.Contents?.map(({ Key, Size, ETag }) => ({ Key, Size, ETag })),
        [{ Key: key, Size: bytes.length, ETag: `"${md5(bytes)}"` }],
      );
      assert.ok(listed.Contents![0]!.LastModified instanceof Date);
    });

    it('lists with delimiter and pages with continuation tokens, in key order', async () => {
      for (const name of ['list/b.txt', 'list/a.txt', 'list/sub/1.txt', 'list/sub/2.txt', 'list/c.txt']) {
        const response = await postForm(await presign({ Key: name }), { bytes: text(name), name: 'x' });
        assert.equal(response.status, 204);
      }
      const folders = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', Delimiter: '/' }));
      assert.deepEqual(folders.Contents?.map((o) => o.Key), ['list/a.txt', 'list/b.txt', 'list/c.txt']);
      assert.deepEqual(folders.CommonPrefixes?.map((p) => p.Prefix), ['list/sub/']);

      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', MaxKeys: 2, ContinuationToken: token }));
        seen.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.NextContinuationToken;
        assert.equal(page.IsTruncated, token !== undefined);
      } while (token);
      assert.deepEqual(seen, ['list/a.txt', 'list/b.txt', 'list/c.txt', 'list/sub/1.txt', 'list/sub/2.txt']);

      const plain = await fetch(`${storage.url}/${bucket}?prefix=list/sub/`);
      const xml = await plain.text();
      assert.equal(plain.status, 200);
      assert.match(xml, /<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
      assert.deepEqual([...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]), ['list/sub/1.txt', 'list/sub/2.txt']);
    });
  });

  describe('signed requests', () => {
    const key = "odd (1)+!*'~ ü&=?#.txt";

    before(async () => {
      const response = await postForm(await presign({ Key: key }), { bytes: text('odd'), name: 'x' });
      assert.equal(response.status, 204, await response.text());
    });

    it("verifies the AWS SDK's signatures, whatever characters the key holds", async () => {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(head.ContentLength, 3);
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await object.Body!.transformToString(), 'odd');
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'odd (1)+!', StartAfter: 'odd (0)' }));
      assert.deepEqual(listed.Contents?.map((o) => o.Key), [key]);
    });

    it('refuses a wrong secret or an unknown access key, while unsigned reads stay open', async () => {
      const wrong = new S3Client({ endpoint: storage.url, forcePathStyle: true, region, credentials: { ...credentials, secretAccessKey: 'wrong' } });
      const stranger = new S3Client({ endpoint: storage.url, forcePathStyle: true, region, credentials: { accessKeyId: 'nobody', secretAccessKey: 'x' } });
      try {
        await assert.rejects(wrong.send(new GetObjectCommand({ Bucket: bucket, Key: key })), { name: 'SignatureDoesNotMatch' });
        await assert.rejects(wrong.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), (error: { $metadata: { httpStatusCode: number } }) => {
          assert.equal(error.$metadata.httpStatusCode, 403);
          return true;
        });
        await assert.rejects(stranger.send(new ListObjectsV2Command({ Bucket: bucket })), { name: 'InvalidAccessKeyId' });
      } finally {
        wrong.destroy();
        stranger.destroy();
      }
      const open = await fetch(`${storage.url}/${bucket}/${encodeURIComponent(key)}`);
      assert.equal(open.status, 200);
      assert.equal(await open.text(), 'odd');
    });

    it('takes a presigned GET URL until it expires, and refuses a tampered one', async () => {
      const path = `/${bucket}/${key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/')}`;
      const url = presignGetByHand(storage.url, path, new Date(), 60);
      const valid = await fetch(url);
      assert.equal(valid.status, 200, await valid.clone().text());
      assert.equal(await valid.text(), 'odd');

      const tampered = url.replace(/X-Amz-Signature=./, (m) => (m.endsWith('0') ? `${m.slice(0, -1)}1` : `${m.slice(0, -1)}0`));
      await assertS3Error(await fetch(tampered), 403, 'SignatureDoesNotMatch');
      await assertS3Error(await fetch(presignGetByHand(storage.url, path, new Date(Date.now() - 120_000), 60)), 403, 'AccessDenied', 'Request has expired');
    });
  });

  describe('safety', () => {
    it('keeps a path-traversal key inside the data folder and serves it under its own name', async () => {
      const key = '../../etc/x';
      const bytes = text('not in /etc');
      const plan = await presign({ Key: key, Fields: { success_action_status: '201' } });
      const response = await postForm(plan, { bytes, name: 'x' });
      const xml = await response.text();
      assert.equal(response.status, 201, xml);
      assert.equal(tag(xml, 'Key'), key);

      const { dataDir } = storage;
      for (const file of await walk(dataDir)) {
        assert.ok(!relative(dataDir, file).startsWith('..'), `${file} is outside ${dataDir}`);
      }
      assert.equal(existsSync(resolve(dataDir, bucket, key)), false);
      assert.equal(existsSync(resolve(dataDir, key)), false);

      const raw = await rawGet(storage.url, `/${bucket}/../../etc/x`);
      assert.equal(raw.status, 200, raw.body.toString());
      assert.equal(raw.body.toString(), 'not in /etc');
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await object.Body!.transformToString(), 'not in /etc');
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: '../' }));
      assert.deepEqual(listed.Contents?.map((o) => o.Key), [key]);
    });
  });

  describe('robustness', () => {
    /** Sends the fields and the start of a file, then leaves the body unfinished until told to drop. */
    function startUpload(fields: Fields, declaredLength: number) {
      const boundary = '----dev-storage-test';
      const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
      const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="partial.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
      const { hostname, port } = new URL(storage.url);
      const req = httpRequest({
        hostname,
        port,
        path: `/${bucket}`,
        method: 'POST',
        headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(declaredLength) },
      });
      req.on('error', () => {}); // dropping it is the point
      req.write(parts.join('') + fileHead);
      req.write(randomBytes(64 * 1024));
      return req;
    }

    const stillServing = async () => {
      const response = await postForm(await presign({ Key: 'still-serving.txt' }), { bytes: text('x'), name: 'x' });
      assert.equal(response.status, 204);
    };

    it('stores nothing, and leaves no temp file, when the client drops the connection mid-body', async () => {
      const plan = await presign({ Key: 'dropped.bin' });
      const req = startUpload(plan.fields, 10 * 1024 * 1024);
      try {
        // Only a drop after the server has started writing proves the clean-up.
        await waitFor('the upload to reach a temp file', async () => (await tempFiles()).length > 0);
      } finally {
        req.destroy();
      }

      await waitFor('the temp file to be deleted', async () => (await tempFiles()).length === 0);
      await assert.rejects(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dropped.bin' })), { name: 'NotFound' });
      await stillServing();
    });

    it('survives a client that drops an upload it already refused while the body was still coming', async () => {
      const plan = await presign({ Key: 'refused.bin' });
      const req = startUpload({ ...plan.fields, 'X-Amz-Signature': '0'.repeat(64) }, 10 * 1024 * 1024);
      try {
        // A full round trip on another connection: by then the server has read the refused file's start.
        await stillServing();
      } finally {
        req.destroy();
      }
      await stillServing();
      assert.deepEqual(await tempFiles(), []);
    });
  });

  describe('CORS (an allow-all rule)', () => {
    it('answers a preflight with the methods, the requested headers and a max age', async () => {
      const response = await fetch(`${storage.url}/${bucket}`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://localhost:5173',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,x-requested-with',
        },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(response.headers.get('access-control-allow-methods'), 'GET, HEAD, POST, PUT');
      assert.equal(response.headers.get('access-control-allow-headers'), 'content-type,x-requested-with');
      assert.match(response.headers.get('access-control-max-age') ?? '', /^\d+$/);
      assert.equal(response.headers.get('access-control-allow-credentials'), null);
      assert.equal(response.headers.get('timing-allow-origin'), '*');
    });

    it('refuses a preflight without an Origin or for a method the rule does not allow', async () => {
      await assertS3Error(await fetch(`${storage.url}/${bucket}`, { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'POST' } }), 400, 'BadRequest');
      await assertS3Error(
        await fetch(`${storage.url}/${bucket}`, { method: 'OPTIONS', headers: { Origin: 'http://a.test', 'Access-Control-Request-Method': 'DELETE' } }),
        403,
        'AccessForbidden',
      );
    });

    it('lets pages read ETag, Location, the request id and the timing on successes and errors alike', async () => {
      const plan = await presign({ Key: 'cors.txt' });
      const form = new FormData();
      for (const [name, value] of Object.entries(plan.fields)) form.append(name, value);
      form.append('file', new Blob([text('x')]), 'x');
      const success = await fetch(plan.url, { method: 'POST', body: form, headers: { Origin: 'http://localhost:5173' } });
      const failure = await fetch(`${storage.url}/no-such-bucket/x`, { headers: { Origin: 'http://localhost:5173' } });
      const refused = await postForm({ ...plan, fields: { ...plan.fields, 'X-Amz-Signature': '0'.repeat(64) } }, { bytes: text('x'), name: 'x' });
      for (const response of [success, failure, refused]) {
        assert.equal(response.headers.get('access-control-allow-origin'), '*');
        assert.equal(response.headers.get('access-control-expose-headers'), 'ETag, Location, x-amz-request-id');
        assert.equal(response.headers.get('access-control-allow-credentials'), null);
        // Resource Timing shows a cross-origin request's parts (the wait for a connection) only with it.
        assert.equal(response.headers.get('timing-allow-origin'), '*');
      }
      assert.deepEqual([success.status, failure.status, refused.status], [204, 404, 403]);
    });
  });

  describe('buckets', () => {
    it('creates a bucket with PUT /BUCKET and accepts (and ignores) PUT /BUCKET?cors', async () => {
      const created = await fetch(`${storage.url}/second-bucket`, { method: 'PUT' });
      assert.equal(created.status, 200, await created.text());
      const cors = await fetch(`${storage.url}/second-bucket?cors`, { method: 'PUT', body: '<CORSConfiguration/>' });
      assert.equal(cors.status, 200, await cors.text());
      const plan = await presign({ Bucket: 'second-bucket', Key: 'in-second.txt' });
      assert.equal((await postForm(plan, { bytes: text('2'), name: 'x' })).status, 204);
      await assertS3Error(await fetch(`${storage.url}/Bad_Name`, { method: 'PUT' }), 400, 'InvalidBucketName');
    });

    it('takes CreateBucket and PutBucketCors from the AWS SDK, signed', async () => {
      await client.send(new CreateBucketCommand({ Bucket: 'sdk-bucket' }));
      await client.send(new CreateBucketCommand({ Bucket: 'sdk-bucket' }));
      await client.send(
        new PutBucketCorsCommand({
          Bucket: 'sdk-bucket',
          CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['POST', 'GET'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] }] },
        }),
      );
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'sdk-bucket' }));
      assert.equal(listed.KeyCount, 0);
      await assert.rejects(client.send(new ListObjectsV2Command({ Bucket: 'never-created' })), { name: 'NoSuchBucket' });
    });
  });
});
