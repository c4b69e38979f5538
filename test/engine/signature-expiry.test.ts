import { expect } from '@open-wc/testing';
import { signatureTimes, urlExpiry } from '../../src/engine/signature-expiry.js';

const policy = (document: unknown) => btoa(JSON.stringify(document));
const signedAt = Date.UTC(2026, 11, 3, 7, 30, 5);

describe('signatureTimes', () => {
  it('reads a POST policy\'s expiration and the X-Amz-Date field, whatever their case', () => {
    const expiration = '2026-12-03T07:35:05.000Z';
    expect(signatureTimes({ url: 'https://s3.test/b', fields: [['key', 'k'], ['Policy', policy({ expiration, conditions: [] })], ['X-Amz-Date', '20261203T073005Z']] }))
      .to.deep.equal({ signedAt, expires: Date.parse(expiration) });
    expect(signatureTimes({ url: 'https://s3.test/b', fields: [['policy', policy({ expiration })], ['x-amz-date', '20261203T073005Z']] }))
      .to.deep.equal({ signedAt, expires: Date.parse(expiration) });
  });

  it('reads a SigV4 query URL: X-Amz-Date plus X-Amz-Expires seconds', () => {
    const url = 'https://s3.test/b/k.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261203T073005Z&X-Amz-Expires=300&X-Amz-Signature=abc';
    expect(signatureTimes({ url })).to.deep.equal({ signedAt, expires: signedAt + 300_000 });
    expect(urlExpiry(url)).to.equal(signedAt + 300_000);
    expect(signatureTimes({ url: 'https://s3.test/b/k?x-amz-date=20261203T073005Z&x-amz-expires=1' })).to.deep.equal({ signedAt, expires: signedAt + 1000 });
  });

  it('ignores whatever is malformed, and never throws', () => {
    const cases: Array<Parameters<typeof signatureTimes>[0]> = [
      { url: 'https://s3.test/b', fields: [['policy', 'not base64!']] },
      { url: 'https://s3.test/b', fields: [['policy', btoa('{not json')]] },
      { url: 'https://s3.test/b', fields: [['policy', policy({ expiration: 'tomorrow' })]] },
      { url: 'https://s3.test/b', fields: [['policy', policy({ expiration: 1893456000 })]] },
      { url: 'https://s3.test/b', fields: [['policy', policy(null)]] },
      { url: 'https://s3.test/b', fields: [['policy', '']] },
      { url: 'https://s3.test/b', fields: [] },
      { url: 'https://s3.test/b/k?X-Amz-Date=20261303T073005Z&X-Amz-Expires=300' },
      { url: 'https://s3.test/b/k?X-Amz-Date=2026-12-03T07:30:05Z&X-Amz-Expires=300' },
      { url: 'https://s3.test/b/k?X-Amz-Expires=300' },
      { url: 'https://s3.test/b/k?Expires=1893456000&Signature=abc' },
      { url: 'not a url' },
    ];
    for (const signed of cases) expect(signatureTimes(signed), JSON.stringify(signed)).to.deep.equal({});
    // A date without a (valid) lifetime still says when it was signed.
    expect(signatureTimes({ url: 'https://s3.test/b/k?X-Amz-Date=20261203T073005Z&X-Amz-Expires=-5' })).to.deep.equal({ signedAt });
    expect(signatureTimes({ url: 'https://s3.test/b', fields: [['x-amz-date', '20261203T073005Z'], ['policy', '%%%']] })).to.deep.equal({ signedAt });
  });
});
