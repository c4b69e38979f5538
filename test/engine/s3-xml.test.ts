import { expect } from '@open-wc/testing';
import { parsePostResponse, parseS3Error } from '../../src/engine/s3-xml.js';

describe('S3 XML', () => {
  it('reads an error with its code and message, decoding entities', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy Condition failed: [&quot;eq&quot;, &quot;$key&quot;, &quot;a&amp;b&quot;]</Message><RequestId>1</RequestId></Error>`;
    expect(parseS3Error(xml)).to.deep.equal({
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "a&b"]',
    });
  });

  it('reads an error with an empty message (Ceph)', () => {
    expect(parseS3Error('<Error><Code>AccessDenied</Code><Message></Message></Error>')).to.deep.equal({
      code: 'AccessDenied',
      message: '',
    });
  });

  it('is undefined for a body that is not S3 error XML', () => {
    expect(parseS3Error('')).to.equal(undefined);
    expect(parseS3Error('<html>Bad Gateway</html>')).to.equal(undefined);
    expect(parseS3Error('{"Code":"x"}')).to.equal(undefined);
  });

  it('reads a 201 PostResponse, with or without the xml line, and unquotes the ETag', () => {
    const aws = `<?xml version="1.0" encoding="UTF-8"?>
<PostResponse><Location>https://b.s3.amazonaws.com/a%2Fb.txt</Location><Bucket>b</Bucket><Key>a/b.txt</Key><ETag>"abc123"</ETag></PostResponse>`;
    expect(parsePostResponse(aws)).to.deep.equal({
      location: 'https://b.s3.amazonaws.com/a%2Fb.txt',
      bucket: 'b',
      key: 'a/b.txt',
      etag: 'abc123',
    });
    const ceph = '<PostResponse><Location>http://x/b/k</Location><Bucket>b</Bucket><Key>k&amp;1</Key><ETag>def</ETag></PostResponse>';
    expect(parsePostResponse(ceph)).to.deep.include({ key: 'k&1', etag: 'def' });
    expect(parsePostResponse('')).to.equal(undefined);
  });
});
