// Fault injection end to end: real uploads through the element to real storage (the dev storage,
// or radosgw when S3_ENDPOINT is set) through the fault proxy (test/helpers/node/fault-proxy.ts),
// which answers SlowDown, drops or stalls connections, or adds latency. Each scenario ends
// complete or with the right error, and the proxy's counters show what storage really got:
// no upload stored twice, none lost.
import { expect, oneEvent } from '@open-wc/testing';
import type { UploadCompleteDetail, UploadErrorDetail, UploadProgressDetail } from '../../src/events.js';
import type { PresignedUploaderElement } from '../../src/presigned-uploader-element.js';
import { getJson, newToken } from '../helpers/e2e-requests.js';
import { requireTestEnv } from '../helpers/test-env.js';
import { record, settle, uploader } from '../helpers/uploader.js';
import { randomFile, sha256 } from '../helpers/files.js';

const api = await requireTestEnv('E2E_API_URL');
const proxy = await requireTestEnv('FAULT_PROXY_URL');
const kind = await requireTestEnv('E2E_STORAGE_KIND');

/** The proxy's counters for one token (the shape of TokenCounters in fault-proxy.ts). */
interface Counters {
  requests: number;
  preflights: number;
  faults: number;
  injected: { slowdown: number; drop: number; stall: number };
  forwarded: number;
  stored: number;
  answers: number[];
  storedKeys: Record<string, number>;
}

const counters = (token: string) => getJson<Counters>(`${proxy}/counters?token=${encodeURIComponent(token)}`);
const signs = async (token: string) => (await getJson<Record<string, number>>(`${api}/signs`))[token] ?? 0;
const registers = async (token: string) => (await getJson<Record<string, number>>(`${api}/registers`))[token] ?? 0;
const stored = (key: string) =>
  getJson<{ size: number; sha256: string }>(`${api}/object`, { method: 'POST', body: JSON.stringify({ key }) });

/**
 * An uploader whose uploads go through the fault proxy with `scenario`, counted under `token`
 * (sign, proxy and register alike); `register` adds knobs to the register endpoint.
 */
function element(token: string, scenario: string, { sign = '', register = '', extra = '' } = {}): Promise<PresignedUploaderElement> {
  const signUrl = `${api}/sign?proxy=${scenario}&token=${token}${sign && `&${sign}`}`;
  const registerUrl = `${api}/register?token=${token}${register && `&${register}`}`;
  return uploader(`endpoint="${signUrl}" register-endpoint="${registerUrl}" retry-delay="20" ${extra}`);
}

function expectComplete(done: CustomEvent): UploadCompleteDetail {
  expect(done.type, JSON.stringify((done.detail as Partial<UploadErrorDetail>).error)).to.equal('upload-complete');
  return done.detail as UploadCompleteDetail;
}

function expectUploadError(done: CustomEvent): UploadErrorDetail {
  expect(done.type, 'the upload fails').to.equal('upload-error');
  return done.detail as UploadErrorDetail;
}

/** Storage holds `file` byte-identical under `key`, stored by exactly one upload. */
async function expectStoredOnce(token: string, key: string, file: File): Promise<Counters> {
  const seen = await counters(token);
  expect(seen.stored, 'uploads storage stored').to.equal(1);
  expect(seen.storedKeys).to.deep.equal({ [key]: 1 });
  expect(await stored(key)).to.deep.include({ size: file.size, sha256: await sha256(file) });
  return seen;
}

describe(`faults between the page and ${kind}, through the fault proxy`, function () {
  this.timeout(60_000);

  it('retries two 503 SlowDown answers, then completes: 3 requests, 1 stored', async () => {
    const token = newToken('slowdown');
    const el = await element(token, 'slowdown-2');
    const file = randomFile('slow.bin', 20_000);
    const { key } = expectComplete(await settle(el, [file]));
    const seen = await expectStoredOnce(token, key, file);
    expect(seen).to.deep.include({ requests: 3, faults: 2, forwarded: 1 });
    expect(seen.injected.slowdown).to.equal(2);
  });

  it('retries a connection dropped mid-body, then stores the bytes identical', async () => {
    const token = newToken('drop');
    const el = await element(token, 'drop-1');
    const file = randomFile('dropped.bin', 300_000);
    const { key } = expectComplete(await settle(el, [file]));
    const seen = await expectStoredOnce(token, key, file);
    expect(seen).to.deep.include({ requests: 2, faults: 1, forwarded: 1 });
    expect(seen.injected.drop).to.equal(1);
  });

  it('sees a dropped connection as a NetworkError (the browser does not resend it behind the page)', async () => {
    const token = newToken('drop-seen');
    const el = await element(token, 'drop-1', { extra: 'retries="0"' });
    const { stage, error } = expectUploadError(await settle(el, [randomFile('dropped.bin', 300_000)]));
    expect(stage).to.equal('upload');
    expect(error).to.deep.include({ code: 'NetworkError', status: 0 });
    expect(await counters(token)).to.deep.include({ requests: 1, faults: 1, forwarded: 0, stored: 0 });
  });

  // Waits on `stall-timeout` (src/engine/xhr-transport.ts): without it the upload hangs for good.
  it('gives up a connection that stops moving after stall-timeout, then retries and completes', async function () {
    this.timeout(20_000);
    const token = newToken('stall');
    const el = await element(token, 'stall-1', { extra: 'stall-timeout="1500"' });
    const file = randomFile('stalled.bin', 2 * 1024 * 1024);
    const started = performance.now();
    const { key } = expectComplete(await settle(el, [file]));
    const elapsed = performance.now() - started;
    expect(elapsed, 'waited for the stall timeout').to.be.at.least(1400);
    expect(elapsed, 'gave up after stall-timeout, not the 30 s default').to.be.below(10_000);
    const seen = await expectStoredOnce(token, key, file);
    expect(seen).to.deep.include({ requests: 2, faults: 1, forwarded: 1 });
    expect(seen.injected.stall).to.equal(1);
  });

  it('completes through 1.5 s of latency, progress ending at loaded === total', async () => {
    const token = newToken('delay');
    const el = await element(token, 'delay-1500');
    const events = record(el, ['upload-progress']);
    const file = randomFile('late.bin', 512 * 1024);
    const started = performance.now();
    const { key } = expectComplete(await settle(el, [file]));
    expect(performance.now() - started).to.be.at.least(1500);
    const progress = events.seen.map((event) => event.detail as UploadProgressDetail);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.loaded).to.be.at.least(progress[i - 1]!.loaded);
    expect(progress.at(-1)).to.deep.include({ loaded: file.size, total: file.size, percent: 100 });
    const seen = await expectStoredOnce(token, key, file);
    expect(seen).to.deep.include({ requests: 1, faults: 0, forwarded: 1 });
  });

  it('reads the expiry from the policy when the answer does not say it: 2 signs, 1 request, no 403', async () => {
    const token = newToken('expired');
    const el = await element(token, 'none', { sign: 'expire=once&hide-expiry=1', extra: 'retries="0"' });
    const file = randomFile('expired.txt', 1000, 'text/plain');
    const { key } = expectComplete(await settle(el, [file]));
    expect(await signs(token)).to.equal(2);
    const seen = await expectStoredOnce(token, key, file);
    expect(seen).to.deep.include({ requests: 1, faults: 0, forwarded: 1 });
    expect(seen.answers, 'the expired policy never reached storage').to.deep.equal([201]);
  });

  it('signs once more before posting when the sign answer has already expired: 2 signs, 1 request', async () => {
    const token = newToken('expired-early');
    const el = await element(token, 'none', { sign: 'expire=once', extra: 'retries="0"' });
    const file = randomFile('expired.txt', 1000, 'text/plain');
    const { key } = expectComplete(await settle(el, [file]));
    expect(await signs(token)).to.equal(2);
    expect(await expectStoredOnce(token, key, file)).to.deep.include({ requests: 1, forwarded: 1 });
  });

  it('retries only the register call when register fails twice: 1 upload stored, 3 register calls', async () => {
    const token = newToken('register-retry');
    const el = await element(token, 'none', { register: 'fail=2', extra: 'retries="3"' });
    const file = randomFile('registered.pdf', 5000, 'application/pdf');
    const { key, registration } = expectComplete(await settle(el, [file]));
    expect(registration).to.deep.include({ key, size: 5000 });
    expect(await registers(token)).to.equal(3);
    expect(await expectStoredOnce(token, key, file)).to.deep.include({ requests: 1, forwarded: 1 });
    expect(await signs(token)).to.equal(1);
  });

  it('fails at register when it stays down, then retry() registers without uploading again', async () => {
    const token = newToken('register-down');
    const el = await element(token, 'none', { register: 'fail=10', extra: 'retries="1"' });
    const file = randomFile('later.pdf', 5000, 'application/pdf');
    const { stage, error } = expectUploadError(await settle(el, [file]));
    expect(stage).to.equal('register');
    expect(error).to.deep.include({ code: 'Unavailable', status: 503 });
    expect(await registers(token)).to.equal(2);
    expect(el.files[0]!.status).to.equal('error');
    expect((await counters(token)).stored, 'the bytes were stored before register failed').to.equal(1);

    expect((await fetch(`${api}/heal?token=${token}`, { method: 'POST' })).status).to.equal(204);
    const done = oneEvent(el, 'upload-complete');
    el.retry();
    const { key, registration } = (await done).detail as UploadCompleteDetail;
    expect(registration).to.deep.include({ key, size: 5000 });
    expect(await registers(token)).to.equal(3);
    expect(await signs(token), 'no fresh sign for stored bytes').to.equal(1);
    expect(await expectStoredOnce(token, key, file)).to.deep.include({ requests: 1, forwarded: 1 });
    expect(el.files[0]!.status).to.equal('complete');
  });

  it('gives up on SlowDown after its retries: stage upload, code SlowDown, status 503, 3 requests', async () => {
    const token = newToken('slowdown-for-good');
    const el = await element(token, 'slowdown-9', { extra: 'retries="2"' });
    const { stage, error } = expectUploadError(await settle(el, [randomFile('never.bin', 2000)]));
    expect(stage).to.equal('upload');
    expect(error).to.deep.include({ code: 'SlowDown', status: 503, message: 'Please reduce your request rate.' });
    expect(await counters(token)).to.deep.include({ requests: 3, faults: 3, forwarded: 0, stored: 0 });
    expect(await registers(token)).to.equal(0);
  });

  it('never retries a definite refusal (EntityTooLarge): one request, nothing stored', async () => {
    const token = newToken('too-large');
    // The sign body announces an allowed size, so that storage, not the sign handler, refuses.
    const el = await element(token, 'none', {
      sign: 'max=100',
      extra: `retries="3" sign-body='{"filename":"{name}","contentType":"{type}","size":100}'`,
    });
    const { stage, error } = expectUploadError(await settle(el, [randomFile('big.txt', 101, 'text/plain')]));
    expect(stage).to.equal('upload');
    expect(error.code).to.equal('EntityTooLarge');
    expect(error.status).to.be.within(400, 499);
    const seen = await counters(token);
    expect(seen).to.deep.include({ requests: 1, faults: 0, forwarded: 1, stored: 0 });
    expect(seen.answers).to.have.length(1);
    expect(await registers(token)).to.equal(0);
  });
});
