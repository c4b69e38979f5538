// Signatures that run out while an upload is under way, end to end: real uploads through the
// element to real storage (the dev storage, or radosgw when S3_ENDPOINT is set), which refuses an
// expired POST policy or presigned URL, through the fault proxy (test/helpers/node/fault-proxy.ts),
// which holds the first upload 5 s, past the signature's 4 s, and then drops it. The sign answers
// say no `expires` (`hide-expiry=1`), so the element must read it from the policy or the URL. The
// proxy's counters prove that no expired request reached storage: no 403 among its answers.
import { expect } from '@open-wc/testing';
import type { UploadCompleteDetail, UploadErrorDetail } from '../../src/events.js';
import type { PresignedUploaderElement } from '../../src/presigned-uploader-element.js';
import { randomFile, sha256 } from '../helpers/files.js';
import { getJson, newToken } from '../helpers/e2e-requests.js';
import { requireTestEnv } from '../helpers/test-env.js';
import { settle, uploader } from '../helpers/uploader.js';

const api = await requireTestEnv('E2E_API_URL');
const proxy = await requireTestEnv('FAULT_PROXY_URL');
const kind = await requireTestEnv('E2E_STORAGE_KIND');
const MIB = 1024 * 1024;
const MINUTE = 60_000;

const proxyCounters = (token: string) =>
  getJson<{ faults: number; stored: number; answers: number[]; storedKeys: Record<string, number> }>(`${proxy}/counters?token=${encodeURIComponent(token)}`);
const signCount = async (token: string) => (await getJson<Record<string, number>>(`${api}/signs`))[token] ?? 0;

/** Sign endpoints by the way the file goes up; each answers without `expires`. */
const ENDPOINTS = {
  post: (knobs: string) => `endpoint="${api}/sign?${knobs}"`,
  put: (knobs: string) => `endpoint="${api}/sign-put?${knobs}"`,
  multipart: (knobs: string) => `endpoint="${api}/sign-put?${knobs}" multipart-endpoint="${api}/multipart?${knobs}" multipart-threshold="${10 * MIB}"`,
};

/** No retries: a fresh sign must not count as one. */
function element(way: keyof typeof ENDPOINTS, token: string, { scenario = 'drop-1-5000', lifetime = 4, retries = 0 } = {}): Promise<PresignedUploaderElement> {
  const knobs = `proxy=${scenario}&token=${token}&lifetime=${lifetime}&hide-expiry=1`;
  return uploader(`${ENDPOINTS[way](knobs)} retries="${retries}" retry-delay="20" stall-timeout="0"`);
}

async function expectStored(done: CustomEvent, file: File): Promise<void> {
  expect(done.type, JSON.stringify((done.detail as Partial<UploadErrorDetail>).error)).to.equal('upload-complete');
  const { key } = done.detail as UploadCompleteDetail;
  const object = await getJson<{ size: number; sha256: string }>(`${api}/object`, { method: 'POST', body: JSON.stringify({ key }) });
  expect(object).to.deep.include({ size: file.size, sha256: await sha256(file) });
}

/** The page's clock `skew` ms off while `body` runs; the signer's and storage's stay right. */
async function withSkewedClock<T>(skew: number, body: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  Date.now = () => realNow.call(Date) + skew;
  try {
    return await body();
  } finally {
    Date.now = realNow;
  }
}

describe(`signatures that expire during an upload to ${kind}`, function () {
  this.timeout(60_000);

  const cases = [
    ['a PUT, its expiry read from the query URL', 'put', 1 * MIB],
    ['a POST, its expiry read from the policy', 'post', 1 * MIB],
  ] as const;
  for (const [label, way, size] of cases) {
    it(`${label}: dropped after its signature ran out, signed afresh once, stored once`, async () => {
      const token = newToken(`expire-${way}`);
      const el = await element(way, token);
      const file = randomFile('late.bin', size);
      await expectStored(await settle(el, [file]), file);
      expect(await signCount(token), 'signs: the first and one fresh').to.equal(2);
      const seen = await proxyCounters(token);
      expect(seen.faults).to.equal(1);
      expect(seen.answers, 'storage answers: no expired request reached it').to.deep.equal([way === 'post' ? 201 : 200]);
    });
  }

  it('a multipart part dropped after its URL ran out: signed afresh once, each part stored once', async () => {
    const token = newToken('expire-part');
    const el = await element('multipart', token);
    const file = randomFile('late-parts.bin', 17 * MIB);
    await expectStored(await settle(el, [file]), file);
    // 17 MiB: 3 parts of up to 8 MiB, one of them dropped and signed afresh.
    expect(await signCount(token), 'sign-part calls').to.equal(4);
    const seen = await proxyCounters(token);
    expect(seen).to.deep.include({ faults: 1, stored: 3 });
    expect(seen.answers, 'storage answers: no expired part URL reached it').to.deep.equal([200, 200, 200]);
    expect(Object.values(seen.storedKeys), JSON.stringify(seen.storedKeys)).to.deep.equal([1, 1, 1]);
  });

  for (const skew of [10 * MINUTE, -10 * MINUTE]) {
    for (const way of ['put', 'post'] as const) {
      it(`a page whose clock is ${skew > 0 ? 'ahead' : 'behind'} by 10 minutes does not sign in a loop (${way}, 2 drops)`, async () => {
        const token = newToken(`skew-${way}`);
        const el = await element(way, token, { scenario: 'drop-2', lifetime: 300, retries: 3 });
        const file = randomFile('skewed.bin', 200_000);
        await withSkewedClock(skew, async () => expectStored(await settle(el, [file]), file));
        // Ahead: the first signature looks expired, and the fresh one shows the offset; behind: the first shows it.
        expect(await signCount(token), 'signs').to.equal(skew > 0 ? 2 : 1);
        expect(await proxyCounters(token)).to.deep.include({ faults: 2, stored: 1 });
      });
    }
  }
});
