import { expect } from '@open-wc/testing';
import { parseExpiry, toUploadPlan } from '../../src/backend/sign-response.js';
import { UploadError } from '../../src/engine/upload-error.js';
import type { PostPlan } from '../../src/engine/upload-plan.js';

/** A sign answer's plan, which these cases expect to be a POST form. */
function postPlan(data: unknown): PostPlan {
  const plan = toUploadPlan(data);
  if (plan.method !== 'POST') throw new Error(`expected a POST plan, got ${plan.method}`);
  return plan;
}

function signError(data: unknown): UploadError {
  try {
    toUploadPlan(data);
  } catch (error) {
    expect(error).to.be.instanceOf(UploadError);
    expect((error as UploadError).stage).to.equal('sign');
    return error as UploadError;
  }
  throw new Error('expected a sign error');
}

describe('toUploadPlan', () => {
  it('maps the AWS SDK createPresignedPost shape, keeping the field order', () => {
    const plan = postPlan({
      url: 'https://s3.us-east-1.amazonaws.com/bucket',
      fields: { bucket: 'bucket', 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', key: 'u/${filename}', Policy: 'P', 'X-Amz-Signature': 'S' },
      fileId: 'f1',
      expires: '2030-01-01T00:00:00Z',
    });
    expect(plan).to.deep.equal({
      url: 'https://s3.us-east-1.amazonaws.com/bucket',
      method: 'POST',
      fields: [['bucket', 'bucket'], ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['key', 'u/${filename}'], ['Policy', 'P'], ['X-Amz-Signature', 'S']],
      fileField: 'file',
      key: 'u/${filename}',
      fileId: 'f1',
      expires: Date.UTC(2030, 0, 1),
    });
    expect(postPlan({ url: 'https://s/b', fields: { key: 'k' }, fileFieldName: 'upload' }).fileField).to.equal('upload');
  });

  it('maps seed 000: formAttributes and formInputs', () => {
    const plan = postPlan({
      formAttributes: { action: 'https://s3.ap-southeast-2.amazonaws.com/example-bucket', method: 'POST', enctype: 'multipart/form-data', key: '1/person/15/1670972404/' },
      formInputs: { acl: 'private', 'Content-Type': 'image/jpeg', key: '1/person/15/1670972404/', Policy: 'P', 'X-Amz-Signature': 'S' },
      person_id: '15',
      customer_id: '1',
    });
    expect(plan.url).to.equal('https://s3.ap-southeast-2.amazonaws.com/example-bucket');
    expect(plan.key).to.equal('1/person/15/1670972404/');
    expect(plan.fileField).to.equal('file');
    expect(plan.fields.map(([name]) => name)).to.deep.equal(['acl', 'Content-Type', 'key', 'Policy', 'X-Amz-Signature']);
  });

  it('maps seed 003: the success envelope, S3 and internal storage', () => {
    const s3 = postPlan({
      success: true,
      value: {
        file_id: 111,
        url: 'https://bla.s3.amazonaws.com/',
        expires: '2020-02-03 03:04:00',
        file_field_name: 'file',
        fields: { policy: 'P', key: 'user/user1/${filename}', success_action_status: '200' },
      },
    });
    expect(s3).to.deep.include({ fileId: 111, key: 'user/user1/${filename}', fileField: 'file', expires: Date.UTC(2020, 1, 3, 3, 4) });
    const internal = postPlan({
      success: true,
      value: { file_id: 112, url: 'http://bla.org/bla', expires: '2020-02-03 03:04:00', file_field_name: 'data', fields: { token: 'a43f' } },
    });
    expect(internal).to.deep.include({ url: 'http://bla.org/bla', fileField: 'data', key: '', fileId: 112 });
    expect(internal.fields).to.deep.equal([['token', 'a43f']]);
  });

  it('says what is missing when nothing fits', () => {
    expect(signError({}).message).to.equal('sign response: missing "url"');
    expect(signError({ url: 'https://s/b' }).message).to.equal('sign response: missing "fields"');
    expect(signError({ url: 'https://s/b', fields: { Policy: 'P' } }).message).to.equal('sign response: missing "fields.key"');
    expect(signError({ formAttributes: { method: 'POST' }, formInputs: {} }).message).to.equal('sign response: missing "formAttributes.action"');
    expect(signError({ success: true, value: { fields: {} } }).message).to.equal('sign response: missing "value.url"');
    expect(signError({ url: 42, fields: {} }).message).to.equal('sign response: "url" must be a string');
    expect(signError('<html>').message).to.equal('sign response: expected a JSON object');
    expect(signError({}).code).to.equal('InvalidSignResponse');
  });

  it('refuses a storage URL that is not http(s)', () => {
    const error = signError({ url: 'javascript:alert(1)', fields: { key: 'k' } });
    expect(error.message).to.match(/^sign response: "url" must be an http\(s\) URL/);
  });

  it('reads expiry as ISO, zone-less date-time (UTC), epoch seconds and milliseconds', () => {
    expect(parseExpiry('2020-02-03 03:04:00')).to.equal(Date.UTC(2020, 1, 3, 3, 4));
    expect(parseExpiry(1_700_000_000)).to.equal(1_700_000_000_000);
    expect(parseExpiry('1700000000000')).to.equal(1_700_000_000_000);
    expect(parseExpiry('soon')).to.equal(undefined);
    expect(parseExpiry(undefined)).to.equal(undefined);
  });
});

describe('toUploadPlan, presigned PUT', () => {
  it('maps { url, method: "PUT", headers } to a PUT plan; the key is the URL path unless given', () => {
    const plan = toUploadPlan({
      url: 'https://bucket.r2.test/uploads/a%20b.png?X-Amz-Signature=s',
      method: 'PUT',
      headers: { 'Content-Type': 'image/png', 'x-amz-meta-n': 7 },
      expires: 1893456000,
    });
    expect(plan).to.deep.equal({
      url: 'https://bucket.r2.test/uploads/a%20b.png?X-Amz-Signature=s',
      method: 'PUT',
      headers: [['Content-Type', 'image/png'], ['x-amz-meta-n', '7']],
      key: 'uploads/a b.png',
      fileId: undefined,
      expires: 1893456000_000,
    });
    expect(toUploadPlan({ url: 'https://s3.test/bucket/k.png?sig', method: 'put', key: 'k.png', fileId: 3 })).to.deep.include({ key: 'k.png', fileId: 3, headers: [] });
  });

  it('refuses a method other than PUT or POST, a header that is not text, and a URL that is not http(s)', () => {
    expect(signError({ url: 'https://s/k', method: 'GET' }).message).to.equal('sign response: "method" must be "PUT" or "POST", not "GET"');
    expect(signError({ url: 'https://s/k', method: 'PUT', headers: { a: {} } }).message).to.equal('sign response: "headers.a" must be a string or a number');
    expect(signError({ url: 'javascript:alert(1)', method: 'PUT' }).code).to.equal('InvalidSignResponse');
  });
});
