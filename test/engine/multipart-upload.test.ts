import { expect, waitUntil } from '@open-wc/testing';
import { partSizeFor, uploadMultipart, type MultipartRun, type MultipartSession, type MultipartSteps } from '../../src/engine/multipart-upload.js';
import { UploadError } from '../../src/engine/upload-error.js';
import type { TransportRequest, TransportResponse } from '../../src/engine/xhr-transport.js';

const MIB = 1024 * 1024;

/** A file of `size` bytes whose every byte says which MiB it is in, so a part's slice can be checked. */
function bigFile(size: number, name = 'big.bin'): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(i / MIB) & 0xff;
  return new File([bytes], name, { type: 'video/mp4', lastModified: 1_700_000_000_000 });
}

const ok = (etag: string): TransportResponse => ({ status: 200, body: '', header: (name) => (name.toLowerCase() === 'etag' ? `"${etag}"` : null) });
const s3Error = (status: number, code: string, message = ''): TransportResponse => ({
  status,
  body: `<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  header: () => null,
});

function harness(
  options: {
    resumed?: MultipartSession;
    listed?: Array<{ partNumber: number; etag: string }> | 'gone';
    answer?: (request: TransportRequest, partNumber: number, attempt: number) => TransportResponse | Promise<TransportResponse>;
    /** The `expires` of a part's `sign`th URL. */
    expires?: (partNumber: number, sign: number) => number | undefined;
  } = {},
) {
  const log: string[] = [];
  const sent: Array<{ partNumber: number; size: number; firstByte: number; headers: string }> = [];
  const urls: string[] = [];
  let saved: MultipartSession | undefined = options.resumed;
  const attempts = new Map<number, number>();
  const signs = new Map<number, number>();
  const steps: MultipartSteps = {
    async create() {
      log.push('create');
      return { uploadId: 'up-1', key: 'uploads/big.bin', fileId: 9 };
    },
    async signPart(session, partNumber) {
      log.push(`sign ${partNumber}`);
      const sign = (signs.get(partNumber) ?? 0) + 1;
      signs.set(partNumber, sign);
      const url = `https://storage.test/${session.key}?partNumber=${partNumber}&uploadId=${session.uploadId}&sign=${sign}`;
      return { url, headers: [['x-amz-checksum', 'c']], expires: options.expires?.(partNumber, sign) };
    },
    async listParts() {
      log.push('list');
      if (options.listed === 'gone') throw new UploadError('sign', 'NoSuchUpload', 'gone', { status: 404 });
      return options.listed ?? [];
    },
    async complete(session, parts) {
      log.push(`complete ${parts.map((part) => `${part.partNumber}:${part.etag}`).join(',')}`);
      return { key: session.key, location: 'https://storage.test/uploads/big.bin' };
    },
    async abort(session) {
      log.push(`abort ${session.uploadId}`);
    },
    resume: {
      load: () => saved,
      save: (_file, session) => {
        saved = session;
        log.push('save');
      },
      forget: () => {
        saved = undefined;
        log.push('forget');
      },
    },
  };
  const progress: number[] = [];
  const controller = new AbortController();
  const run: MultipartRun = {
    steps,
    policy: { retries: 2, baseDelay: 1 },
    network: { online: () => true, whenOnline: async () => {} },
    stallTimeout: 0,
    partConcurrency: 2,
    signal: controller.signal,
    onStarted: () => log.push('started'),
    onProgress: (loaded) => progress.push(loaded),
    transport: async (request) => {
      const partNumber = Number(new URL(request.url).searchParams.get('partNumber'));
      const attempt = (attempts.get(partNumber) ?? 0) + 1;
      attempts.set(partNumber, attempt);
      const body = request.body as Blob;
      const firstByte = new Uint8Array(await body.slice(0, 1).arrayBuffer())[0]!;
      sent.push({ partNumber, size: body.size, firstByte, headers: JSON.stringify(request.headers) });
      urls.push(request.url);
      request.onProgress(body.size, body.size);
      return options.answer?.(request, partNumber, attempt) ?? ok(`etag-${partNumber}`);
    },
  };
  return { run, log, sent, urls, progress, controller, saved: () => saved };
}

describe('uploadMultipart', () => {
  it('sends the file in 8 MiB parts with the signed headers, then completes with every ETag in order', async () => {
    const file = bigFile(20 * MIB + 5);
    const { run, log, sent, progress, saved } = harness();
    const receipt = await uploadMultipart(file, run);

    expect(receipt).to.deep.equal({ key: 'uploads/big.bin', location: 'https://storage.test/uploads/big.bin', fileId: 9 });
    const byPart = [...sent].sort((a, b) => a.partNumber - b.partNumber);
    expect(byPart.map(({ partNumber, size, firstByte }) => [partNumber, size, firstByte])).to.deep.equal([
      [1, 8 * MIB, 0],
      [2, 8 * MIB, 8],
      [3, 4 * MIB + 5, 16],
    ]);
    expect(byPart[0]!.headers).to.equal('[["x-amz-checksum","c"]]');
    expect(log.at(-2)).to.equal('complete 1:etag-1,2:etag-2,3:etag-3');
    expect(log.slice(0, 3)).to.deep.equal(['create', 'save', 'started']);
    expect(log.at(-1)).to.equal('forget');
    expect(saved()).to.equal(undefined);
    expect(progress.at(-1)).to.equal(file.size);
  });

  it('continues an upload an earlier page left: only the parts storage lacks go out', async () => {
    const file = bigFile(20 * MIB);
    const resumed = { uploadId: 'up-old', key: 'uploads/big.bin', partSize: 8 * MIB };
    const { run, log, sent, progress } = harness({ resumed, listed: [{ partNumber: 1, etag: 'old-1' }, { partNumber: 3, etag: 'old-3' }] });
    await uploadMultipart(file, run);

    expect(sent.map((part) => part.partNumber)).to.deep.equal([2]);
    expect(log).to.not.include('create');
    expect(log).to.include('complete 1:old-1,2:etag-2,3:old-3');
    // Progress starts from what storage already holds.
    expect(progress[0]).to.equal(12 * MIB);
  });

  it('starts over when the remembered upload is gone from storage', async () => {
    const file = bigFile(9 * MIB);
    const { run, log, sent } = harness({ resumed: { uploadId: 'up-old', key: 'k', partSize: 8 * MIB }, listed: 'gone' });
    await uploadMultipart(file, run);
    expect(log.slice(0, 3)).to.deep.equal(['list', 'create', 'save']);
    expect(sent).to.have.length(2);
  });

  it('retries a part that failed, and signs a part afresh once when its URL expired', async () => {
    const file = bigFile(17 * MIB);
    const { run, log, sent } = harness({
      answer: (_request, partNumber, attempt) => {
        if (partNumber === 1 && attempt === 1) return s3Error(503, 'SlowDown');
        if (partNumber === 2 && attempt === 1) return s3Error(403, 'AccessDenied', 'Request has expired');
        return ok(`etag-${partNumber}`);
      },
    });
    await uploadMultipart(file, run);
    expect(sent.filter((part) => part.partNumber === 1)).to.have.length(2);
    expect(sent.filter((part) => part.partNumber === 2)).to.have.length(2);
    expect(log.filter((line) => line === 'sign 1')).to.have.length(1);
    expect(log.filter((line) => line === 'sign 2')).to.have.length(2);
  });

  it('signs a part afresh, not as a retry, when its URL expired while its first attempt was dropped', async () => {
    const file = bigFile(17 * MIB);
    const expiry = new Map<string, number>();
    const { run, log, urls } = harness({
      // Part 2's first URL lives 300 ms; every other URL a minute.
      expires: (partNumber, sign) => Date.now() + (partNumber === 2 && sign === 1 ? 300 : 60_000),
      answer: async (request, partNumber, attempt) => {
        if (partNumber !== 2 || attempt !== 1) return ok(`etag-${partNumber}`);
        // The connection drops after the URL has run out: the browser sees status 0.
        await waitUntil(() => Date.now() > expiry.get(request.url)!, 'the part URL did not expire', { timeout: 2000 });
        return { status: 0, body: '', header: () => null };
      },
    });
    const signPart = run.steps.signPart;
    run.steps.signPart = async (session, partNumber, signal) => {
      const target = await signPart(session, partNumber, signal);
      expiry.set(target.url, target.expires!);
      return target;
    };
    const sentLate: string[] = [];
    const transport = run.transport;
    run.transport = (request) => {
      if (Date.now() >= expiry.get(request.url)!) sentLate.push(request.url);
      return transport(request);
    };
    run.policy = { retries: 0, baseDelay: 1 };
    await uploadMultipart(file, run);
    expect(log.filter((line) => line === 'sign 2')).to.have.length(2);
    expect(urls.filter((url) => url.includes('partNumber=2'))).to.deep.equal([
      'https://storage.test/uploads/big.bin?partNumber=2&uploadId=up-1&sign=1',
      'https://storage.test/uploads/big.bin?partNumber=2&uploadId=up-1&sign=2',
    ]);
    expect(sentLate, 'parts sent with an expired URL').to.deep.equal([]);
    expect(log.at(-2)).to.equal('complete 1:etag-1,2:etag-2,3:etag-3');
  });

  it('says the CORS rule hides ETag when a part answer has none, and keeps the upload for a retry', async () => {
    const file = bigFile(9 * MIB);
    const { run, log, saved } = harness({ answer: () => ({ status: 200, body: '', header: () => null }) });
    const error = await uploadMultipart(file, run).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(UploadError);
    expect((error as UploadError).code).to.equal('ETagNotExposed');
    expect((error as UploadError).message).to.contain('ExposeHeaders');
    expect(log).to.not.include('abort up-1');
    expect(saved()?.uploadId).to.equal('up-1');
  });

  it('aborts the upload on storage and forgets it when cancelled', async () => {
    const file = bigFile(9 * MIB);
    const { run, log, controller, saved } = harness({
      answer: (_request, partNumber) => {
        if (partNumber === 2) controller.abort(new DOMException('cancelled', 'AbortError'));
        return ok(`etag-${partNumber}`);
      },
    });
    const error = await uploadMultipart(file, run).catch((caught: unknown) => caught);
    expect((error as DOMException).name).to.equal('AbortError');
    expect(log).to.include('abort up-1');
    expect(log).to.not.include('complete 1:etag-1,2:etag-2');
    expect(saved()).to.equal(undefined);
  });
});

describe('partSizeFor', () => {
  it('is 8 MiB, or whole MiB large enough for 10,000 parts', () => {
    expect(partSizeFor(1)).to.equal(8 * MIB);
    expect(partSizeFor(80_000 * MIB)).to.equal(8 * MIB);
    expect(partSizeFor(80_001 * MIB)).to.equal(9 * MIB);
    expect(Math.ceil((5 * 1024 ** 4) / partSizeFor(5 * 1024 ** 4))).to.be.at.most(10_000);
  });
});
