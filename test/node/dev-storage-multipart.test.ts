// The embedded dev storage's PutObject and multipart uploads, as S3 answers them: presigned URLs
// used with plain fetch (what a browser sends), header-signed calls from the AWS SDK, the
// refusals S3 makes (wrong signature, expiry, bad part lists), and CORS for browser parts.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { assertS3Error, md5, sha256, startTestDevStorage, tag, waitFor, type TestDevStorage } from '../helpers/node/dev-storage-fixture.js';

const bucket = 'multipart-bucket';
const MiB = 1024 * 1024;
const origin = 'http://localhost:5173';

/** S3's multipart ETag: MD5 of the parts' binary MD5s, a dash, the part count. */
function multipartEtag(parts: readonly Uint8Array[]): string {
  const digests = Buffer.concat(parts.map((part) => createHash('md5').update(part).digest()));
  return `"${md5(digests)}-${parts.length}"`;
}

describe('dev storage: PutObject and multipart uploads', () => {
  let storage: TestDevStorage;
  let client: S3Client;

  before(async () => {
    storage = await startTestDevStorage('pu-dev-storage-mp-', [bucket]);
    client = storage.client;
  });
  after(() => storage?.close());

  const tempFiles = () => storage.tempFiles();
  const uploadFolders = async () => readdir(join(storage.dataDir, '.multipart'));
  const exists = async (Key: string) =>
    client.send(new HeadObjectCommand({ Bucket: bucket, Key })).then(
      () => true,
      (error: { name?: string }) => (error.name === 'NotFound' ? false : Promise.reject(error)),
    );
  /** A presigned PutObject URL with Content-Type signed, as the sign endpoint answers it. */
  const presignPut = (Key: string, ContentType: string, options: { expiresIn?: number; signingDate?: Date; Metadata?: Record<string, string> } = {}) =>
    getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key, ContentType, Metadata: options.Metadata }), {
      expiresIn: options.expiresIn ?? 300,
      signableHeaders: new Set(['content-type']),
      ...(options.signingDate ? { signingDate: options.signingDate } : {}),
    });
  const presignPart = (Key: string, UploadId: string, PartNumber: number) =>
    getSignedUrl(client, new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber }), { expiresIn: 300 });
  const createUpload = async (Key: string) => (await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }))).UploadId!;
  /** Uploads parts through presigned URLs with fetch, as the element does, and returns them as CompleteMultipartUpload lists them. */
  async function putParts(Key: string, UploadId: string, parts: readonly Uint8Array[]): Promise<CompletedPart[]> {
    const completed: CompletedPart[] = [];
    for (const [index, bytes] of parts.entries()) {
      const response = await fetch(await presignPart(Key, UploadId, index + 1), { method: 'PUT', body: bytes });
      assert.equal(response.status, 200, await response.text());
      completed.push({ PartNumber: index + 1, ETag: response.headers.get('etag')! });
    }
    return completed;
  }

  describe('presigned PutObject', () => {
    it('stores the body with the signed Content-Type and the metadata, and answers its MD5 as the ETag', async () => {
      const bytes = randomBytes(300_000);
      const url = await presignPut('put/photo 1.png', 'image/png', { Metadata: { owner: 'ada' } });
      const response = await fetch(url, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'image/png', Origin: origin } });
      assert.equal(response.status, 200, await response.text());
      assert.equal(response.headers.get('etag'), `"${md5(bytes)}"`);
      assert.match(response.headers.get('access-control-expose-headers') ?? '', /\bETag\b/);

      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'put/photo 1.png' }));
      assert.equal(object.ContentType, 'image/png');
      assert.deepEqual(object.Metadata, { owner: 'ada' });
      assert.equal(object.ETag, `"${md5(bytes)}"`);
      assert.equal(sha256(await object.Body!.transformToByteArray()), sha256(bytes));
    });

    it('refuses a Content-Type other than the signed one, storing nothing', async () => {
      const url = await presignPut('put/typed.png', 'image/png');
      await assertS3Error(await fetch(url, { method: 'PUT', body: randomBytes(10), headers: { 'Content-Type': 'image/gif' } }), 403, 'SignatureDoesNotMatch');
      await assertS3Error(await fetch(url, { method: 'PUT', body: randomBytes(10) }), 403, 'SignatureDoesNotMatch');
      assert.equal(await exists('put/typed.png'), false);
      assert.deepEqual(await tempFiles(), []);
    });

    it('refuses an expired URL with AccessDenied "Request has expired", and takes it while valid', async () => {
      const signingDate = new Date(Date.now() - 120_000);
      const expired = await presignPut('put/late.txt', 'text/plain', { expiresIn: 60, signingDate });
      const xml = await assertS3Error(await fetch(expired, { method: 'PUT', body: 'late', headers: { 'Content-Type': 'text/plain' } }), 403, 'AccessDenied', 'Request has expired');
      assert.equal(tag(xml, 'X-Amz-Expires'), '60');
      assert.equal(await exists('put/late.txt'), false);

      const valid = await presignPut('put/late.txt', 'text/plain', { expiresIn: 300, signingDate });
      assert.equal((await fetch(valid, { method: 'PUT', body: 'late', headers: { 'Content-Type': 'text/plain' } })).status, 200);
    });

    it('refuses a tampered URL, an unsigned x-amz-* header and a request with no signature at all', async () => {
      const url = await presignPut('put/mine.txt', 'text/plain');
      const send = (target: string, headers: Record<string, string> = {}) =>
        fetch(target, { method: 'PUT', body: 'x', headers: { 'Content-Type': 'text/plain', ...headers } });
      await assertS3Error(await send(url.replace('put/mine.txt', 'put/theirs.txt')), 403, 'SignatureDoesNotMatch');
      await assertS3Error(await send(url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604800')), 403, 'SignatureDoesNotMatch');
      const unsigned = await assertS3Error(await send(url, { 'x-amz-meta-extra': '1' }), 403, 'AccessDenied', 'There were headers present in the request which were not signed');
      assert.equal(tag(unsigned, 'HeadersNotSigned'), 'x-amz-meta-extra');
      await assertS3Error(await send(`${storage.url}/${bucket}/put/mine.txt`), 403, 'AccessDenied');
      assert.equal(await exists('put/mine.txt'), false);
      assert.equal(await exists('put/theirs.txt'), false);
    });

    it('refuses a key over 1024 UTF-8 bytes with KeyTooLongError, for PutObject and CreateMultipartUpload alike', async () => {
      // 1023 + 'ü' (2 bytes): one byte over, though 1024 characters.
      const Key = `${'k'.repeat(1023)}ü`;
      const url = await presignPut(Key, 'text/plain');
      const xml = await assertS3Error(await fetch(url, { method: 'PUT', body: 'x', headers: { 'Content-Type': 'text/plain' } }), 400, 'KeyTooLongError', 'Your key is too long');
      assert.equal(tag(xml, 'MaxSizeAllowed'), '1024');
      assert.equal(tag(xml, 'Size'), '1025');
      await assert.rejects(client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key })), { name: 'KeyTooLongError' });
      assert.equal(await exists(Key), false);
      assert.deepEqual(await tempFiles(), []);
    });

    it("ignores the empty body's CRC32 that the SDK's presigner puts in the query, as S3 does", async () => {
      const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: 'put/crc.txt' }), { expiresIn: 300 });
      assert.equal(new URL(url).searchParams.get('x-amz-checksum-crc32'), 'AAAAAA==');
      assert.equal((await fetch(url, { method: 'PUT', body: new TextEncoder().encode('not empty') })).status, 200);
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'put/crc.txt' }));
      // No Content-Type was sent: S3's default type.
      assert.equal(head.ContentType, 'binary/octet-stream');
      assert.equal(head.ContentLength, 9);
    });

    it('streams the body to a temp file while it arrives, and drops it when the client goes away', async () => {
      const url = new URL(await presignPut('put/slow.bin', 'application/octet-stream'));
      const total = 4 * MiB;
      const sendHalf = () => {
        const req = httpRequest({
          hostname: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: 'PUT',
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(total) },
        });
        req.on('error', () => {});
        req.write(randomBytes(total / 2));
        return req;
      };
      const waitForTempBytes = (min: number) =>
        waitFor('a temp file to grow while the body arrives', async () => {
          const sizes = await Promise.all((await tempFiles()).map(async (name) => (await stat(join(storage.dataDir, '.tmp', name))).size));
          return sizes.some((size) => size >= min);
        });

      const finished = sendHalf();
      await waitForTempBytes(total / 2);
      const answered = new Promise<number>((resolve) => finished.on('response', (res) => resolve(res.statusCode!)));
      finished.end(randomBytes(total / 2));
      assert.equal(await answered, 200);
      assert.equal((await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'put/slow.bin' }))).ContentLength, total);

      const dropped = sendHalf();
      await waitForTempBytes(total / 2);
      dropped.destroy();
      await waitFor('the temp file of a dropped upload to be deleted', async () => (await tempFiles()).length === 0);
      assert.equal((await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'put/slow.bin' }))).ContentLength, total);
    });
  });

  describe('header-signed PutObject (the AWS SDK)', () => {
    it('takes a buffer body (signed SHA-256, CRC32 header) and a stream body (aws-chunked with a CRC32 trailer)', async () => {
      const bytes = randomBytes(100_000);
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'sdk/buffer.bin', Body: bytes, ContentType: 'application/x-test' }));
      assert.equal(put.ETag, `"${md5(bytes)}"`);
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'sdk/stream.bin', Body: Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]), ContentLength: bytes.length }));
      for (const Key of ['sdk/buffer.bin', 'sdk/stream.bin']) {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
        assert.equal(sha256(await object.Body!.transformToByteArray()), sha256(bytes), Key);
        assert.equal(object.ETag, `"${md5(bytes)}"`);
      }
      assert.equal((await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'sdk/stream.bin' }))).ContentEncoding, undefined);
    });

    it('refuses a body changed after signing with XAmzContentSHA256Mismatch', async () => {
      const command = new PutObjectCommand({ Bucket: bucket, Key: 'sdk/changed.txt', Body: 'hello' });
      type Handler = (args: { request: { body: unknown } }) => Promise<unknown>;
      // Runs after the signer: the signature covers SHA-256("hello"), the server gets "HELLO".
      const changeBody = (next: Handler): Handler => async (args) => {
        args.request.body = 'HELLO';
        return next(args);
      };
      command.middlewareStack.addRelativeTo(changeBody as unknown as Parameters<typeof command.middlewareStack.addRelativeTo>[0], {
        relation: 'after',
        toMiddleware: 'httpSigningMiddleware',
      });
      await assert.rejects(client.send(command), { name: 'XAmzContentSHA256Mismatch' });
      assert.equal(await exists('sdk/changed.txt'), false);
    });

    it('refuses a body that does not match its Content-MD5 or its checksum, storing nothing', async () => {
      await assert.rejects(
        client.send(new PutObjectCommand({ Bucket: bucket, Key: 'sdk/bad-md5.txt', Body: 'hello', ContentMD5: Buffer.from(md5(Buffer.from('other')), 'hex').toString('base64') })),
        { name: 'BadDigest' },
      );
      await assert.rejects(client.send(new PutObjectCommand({ Bucket: bucket, Key: 'sdk/bad-crc.txt', Body: 'hello', ChecksumCRC32: 'AAAAAA==' })), { name: 'BadDigest' });
      assert.equal(await exists('sdk/bad-md5.txt'), false);
      assert.equal(await exists('sdk/bad-crc.txt'), false);
      assert.deepEqual(await tempFiles(), []);
    });
  });

  describe('multipart uploads', () => {
    it('assembles parts uploaded through presigned URLs into one byte-identical object with a "-3" ETag', async () => {
      const Key = 'multi/video.mp4';
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ContentType: 'video/mp4', Metadata: { source: 'test' } }));
      assert.equal(created.Key, Key);
      assert.match(created.UploadId ?? '', /^[A-Za-z0-9_-]+$/);
      const parts = [randomBytes(5 * MiB + 1), randomBytes(5 * MiB), randomBytes(5 * MiB + 123)];
      const completed = await putParts(Key, created.UploadId!, parts);
      assert.deepEqual(
        completed.map((part) => part.ETag),
        parts.map((part) => `"${md5(part)}"`),
      );

      const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId: created.UploadId, MultipartUpload: { Parts: completed } }));
      assert.equal(done.ETag, multipartEtag(parts));
      assert.match(done.ETag!, /^"[0-9a-f]{32}-3"$/);
      assert.equal(done.Bucket, bucket);
      assert.equal(done.Key, Key);
      assert.equal(done.Location, `${storage.url}/${bucket}/multi/video.mp4`);

      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      assert.equal(object.ETag, done.ETag);
      assert.equal(object.ContentType, 'video/mp4');
      assert.deepEqual(object.Metadata, { source: 'test' });
      assert.equal(object.ContentLength, 15 * MiB + 124);
      assert.equal(sha256(await object.Body!.transformToByteArray()), sha256(Buffer.concat(parts)));
      // Completed: the upload and its parts are gone.
      await assert.rejects(client.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId: created.UploadId })), { name: 'NoSuchUpload' });
      assert.equal((await uploadFolders()).includes(created.UploadId!), false, 'the upload folder stayed');
      assert.deepEqual(await tempFiles(), []);
    });

    it('takes parts from the AWS SDK too, and completes a single part of any size', async () => {
      const Key = 'multi/small.txt';
      const UploadId = await createUpload(Key);
      const part = await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: 'tiny' }));
      assert.equal(part.ETag, `"${md5(Buffer.from('tiny'))}"`);
      const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] } }));
      assert.equal(done.ETag, multipartEtag([Buffer.from('tiny')]));
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      assert.equal(await object.Body!.transformToString(), 'tiny');
      assert.equal(object.ContentType, 'binary/octet-stream');
    });

    it('lists parts in pages with IsTruncated and NextPartNumberMarker, a re-sent part replacing the first one', async () => {
      const Key = 'multi/listed.bin';
      const UploadId = await createUpload(Key);
      const parts = [randomBytes(10), randomBytes(20), randomBytes(30)];
      await putParts(Key, UploadId, parts);
      const replacement = randomBytes(25);
      assert.equal((await fetch(await presignPart(Key, UploadId, 2), { method: 'PUT', body: replacement })).status, 200);

      const first = await client.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId, MaxParts: 2 }));
      assert.equal(first.IsTruncated, true);
      assert.equal(first.MaxParts, 2);
      assert.equal(first.NextPartNumberMarker, '2');
      assert.deepEqual(
        first.Parts?.map(({ PartNumber, ETag, Size }) => ({ PartNumber, ETag, Size })),
        [
          { PartNumber: 1, ETag: `"${md5(parts[0]!)}"`, Size: 10 },
          { PartNumber: 2, ETag: `"${md5(replacement)}"`, Size: 25 },
        ],
      );
      assert.equal(first.Parts![0]!.LastModified instanceof Date, true, 'LastModified is a Date');

      const second = await client.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId, MaxParts: 2, PartNumberMarker: first.NextPartNumberMarker }));
      assert.equal(second.IsTruncated, false);
      assert.equal(second.PartNumberMarker, '2');
      assert.deepEqual(second.Parts?.map((part) => part.PartNumber), [3]);

      const all = await client.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId }));
      assert.equal(all.IsTruncated, false);
      assert.equal(all.MaxParts, 1000);
      assert.deepEqual(all.Parts?.map((part) => part.Size), [10, 25, 30]);
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }));
    });

    it('refuses a part list with a wrong ETag, a missing part or parts out of order, and completes once it is right', async () => {
      const Key = 'multi/checked.bin';
      const UploadId = await createUpload(Key);
      const parts = [randomBytes(5 * MiB), randomBytes(100)];
      const completed = await putParts(Key, UploadId, parts);
      const complete = (Parts: CompletedPart[]) => client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts } }));

      await assert.rejects(complete([completed[0]!, { PartNumber: 2, ETag: `"${md5(Buffer.from('other'))}"` }]), { name: 'InvalidPart' });
      await assert.rejects(complete([completed[0]!, { PartNumber: 3, ETag: completed[1]!.ETag! }]), { name: 'InvalidPart' });
      await assert.rejects(complete([completed[1]!, completed[0]!]), { name: 'InvalidPartOrder' });
      await assert.rejects(complete([completed[0]!, completed[0]!]), { name: 'InvalidPartOrder' });
      assert.equal(await exists(Key), false);

      // ETags are matched with or without their quotes, as S3 does.
      const done = await complete([{ PartNumber: 1, ETag: completed[0]!.ETag!.replaceAll('"', '') }, completed[1]!]);
      assert.equal(done.ETag, multipartEtag(parts));
    });

    it('answers S3 error XML for a wrong part list: InvalidPart details, MalformedXML', async () => {
      const Key = 'multi/raw.bin';
      const UploadId = await createUpload(Key);
      const [part] = await putParts(Key, UploadId, [randomBytes(10)]);
      const url = await getSignedUrl(client, new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId }), { expiresIn: 300 });
      const body = (etag: string) =>
        `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>${etag}</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`;
      const wrong = await assertS3Error(
        await fetch(url, { method: 'POST', body: body('&quot;00000000000000000000000000000000&quot;') }),
        400,
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
      );
      assert.equal(tag(wrong, 'UploadId'), UploadId);
      assert.equal(tag(wrong, 'PartNumber'), '1');
      await assertS3Error(await fetch(url, { method: 'POST', body: 'not xml' }), 400, 'MalformedXML');
      await assertS3Error(await fetch(url, { method: 'POST', body: '<CompleteMultipartUpload></CompleteMultipartUpload>' }), 400, 'MalformedXML');
      const done = await fetch(url, { method: 'POST', body: body(part!.ETag!) });
      const xml = await done.text();
      assert.equal(done.status, 200, xml);
      assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<CompleteMultipartUploadResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
      assert.equal(tag(xml, 'ETag'), multipartEtag([new Uint8Array(await (await fetch(`${storage.url}/${bucket}/${Key}`)).arrayBuffer())]));
    });

    it('refuses parts under 5 MiB but the last with EntityTooSmall', async () => {
      const Key = 'multi/too-small.bin';
      const UploadId = await createUpload(Key);
      const completed = await putParts(Key, UploadId, [randomBytes(5 * MiB - 1), randomBytes(10)]);
      const url = await getSignedUrl(client, new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId }), { expiresIn: 300 });
      const parts = completed.map((part) => `<Part><PartNumber>${part.PartNumber}</PartNumber><ETag>${part.ETag}</ETag></Part>`).join('');
      const xml = await assertS3Error(
        await fetch(url, { method: 'POST', body: `<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>` }),
        400,
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed object size.',
      );
      assert.equal(tag(xml, 'ProposedSize'), String(5 * MiB - 1));
      assert.equal(tag(xml, 'MinSizeAllowed'), String(5 * MiB));
      assert.equal(tag(xml, 'PartNumber'), '1');
      await assert.rejects(
        client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: completed } })),
        { name: 'EntityTooSmall' },
      );
      assert.equal(await exists(Key), false);
    });

    it('aborts an upload: its parts are deleted and every later call answers NoSuchUpload', async () => {
      const Key = 'multi/aborted.bin';
      const UploadId = await createUpload(Key);
      const completed = await putParts(Key, UploadId, [randomBytes(1000)]);
      assert.equal((await uploadFolders()).includes(UploadId), true, 'the upload has a folder');
      const abortUrl = await getSignedUrl(client, new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }), { expiresIn: 300 });
      const aborted = await fetch(abortUrl, { method: 'DELETE' });
      assert.equal(aborted.status, 204, await aborted.text());
      assert.equal((await uploadFolders()).includes(UploadId), false, 'the aborted upload folder stayed');

      const missing = await assertS3Error(await fetch(await presignPart(Key, UploadId, 2), { method: 'PUT', body: 'x' }), 404, 'NoSuchUpload');
      assert.equal(tag(missing, 'UploadId'), UploadId);
      await assertS3Error(await fetch(abortUrl, { method: 'DELETE' }), 404, 'NoSuchUpload');
      await assert.rejects(client.send(new ListPartsCommand({ Bucket: bucket, Key, UploadId })), { name: 'NoSuchUpload' });
      await assert.rejects(client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: completed } })), {
        name: 'NoSuchUpload',
      });
      await assert.rejects(client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId })), { name: 'NoSuchUpload' });
      assert.equal(await exists(Key), false);
      assert.deepEqual(await tempFiles(), []);
    });

    it('answers NoSuchUpload for an upload id of another key or one never issued, and InvalidArgument for a part number out of range', async () => {
      const UploadId = await createUpload('multi/owned.bin');
      await assert.rejects(client.send(new ListPartsCommand({ Bucket: bucket, Key: 'multi/other.bin', UploadId })), { name: 'NoSuchUpload' });
      // A path that would lead to the real upload's folder is no upload id.
      await assert.rejects(client.send(new ListPartsCommand({ Bucket: bucket, Key: 'multi/owned.bin', UploadId: `../.multipart/${UploadId}` })), { name: 'NoSuchUpload' });
      for (const partNumber of [0, 10001]) {
        const url = await presignPart('multi/owned.bin', UploadId, partNumber);
        const xml = await assertS3Error(await fetch(url, { method: 'PUT', body: 'x' }), 400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
        assert.equal(tag(xml, 'ArgumentValue'), String(partNumber));
      }
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'multi/owned.bin', UploadId }));
    });
  });

  describe('CORS and what stays refused', () => {
    it('lets a browser PUT a part with a Content-Type and read the ETag', async () => {
      const preflight = await fetch(`${storage.url}/${bucket}/multi/browser.bin?partNumber=1&uploadId=x`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' },
      });
      assert.equal(preflight.status, 200);
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /\bPUT\b/);
      assert.equal(preflight.headers.get('access-control-allow-headers'), 'content-type');
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');

      const Key = 'multi/browser.bin';
      const UploadId = await createUpload(Key);
      const part = await fetch(await presignPart(Key, UploadId, 1), {
        method: 'PUT',
        body: 'part',
        headers: { Origin: origin, 'Content-Type': 'application/octet-stream' },
      });
      assert.equal(part.status, 200);
      assert.equal(part.headers.get('access-control-allow-origin'), '*');
      assert.match(part.headers.get('access-control-expose-headers') ?? '', /\bETag\b/);
      assert.equal(part.headers.get('etag'), `"${md5(Buffer.from('part'))}"`);
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }));
    });

    it('refuses unsigned writes, and the sub-resources and headers it does not implement', async () => {
      await assertS3Error(await fetch(`${storage.url}/${bucket}/multi/anon?uploads`, { method: 'POST' }), 403, 'AccessDenied');
      await assertS3Error(await fetch(`${storage.url}/${bucket}?uploads`), 501, 'NotImplemented');
      await assertS3Error(await fetch(`${storage.url}/${bucket}/multi/x?uploadId=a&tagging`, { method: 'PUT', body: 'x' }), 501, 'NotImplemented');
      await assertS3Error(await fetch(`${storage.url}/${bucket}/multi/x?partNumber=1`, { method: 'PUT', body: 'x' }), 501, 'NotImplemented');
      // CopyObject, signed as the SDK signs it: the header is covered, so only "not implemented" can refuse it.
      await assert.rejects(client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'multi/copy', CopySource: `${bucket}/put/crc.txt` })), {
        name: 'NotImplemented',
      });
      assert.equal(await exists('multi/copy'), false);
      // The same header added to a presigned URL that does not sign it: refused first as an unsigned header.
      const copy = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: 'multi/copy' }), { expiresIn: 300 });
      const unsigned = await assertS3Error(await fetch(copy, { method: 'PUT', headers: { 'x-amz-copy-source': `${bucket}/put/crc.txt` } }), 403, 'AccessDenied');
      assert.equal(tag(unsigned, 'HeadersNotSigned'), 'x-amz-copy-source');
      await assert.rejects(
        client.send(new PutObjectCommand({ Bucket: bucket, Key: 'multi/conditional', Body: 'x', IfNoneMatch: '*' })),
        { name: 'NotImplemented' },
      );
      assert.equal(await exists('multi/conditional'), false);
    });
  });
});
