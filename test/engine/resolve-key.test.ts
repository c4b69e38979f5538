import { expect } from '@open-wc/testing';
import { resolveKey } from '../../src/engine/resolve-key.js';
import type { PostPlan } from '../../src/engine/upload-plan.js';

function planWithKey(key: string, fieldName = 'key'): PostPlan {
  return { url: 'https://s3.test/b', method: 'POST', fields: [['acl', 'private'], [fieldName, key]], fileField: 'file', key };
}

describe('resolveKey', () => {
  it('appends the file name to a key that ends in /, in the field and in the reported key', () => {
    const { plan, key } = resolveKey(planWithKey('1/person/15/1670972404/'), 'file-name.jpg');
    expect(key).to.equal('1/person/15/1670972404/file-name.jpg');
    expect(plan.fields).to.deep.equal([['acl', 'private'], ['key', '1/person/15/1670972404/file-name.jpg']]);
  });

  it('sends ${filename} as is and reports it substituted', () => {
    const { plan, key } = resolveKey(planWithKey('user/user1/${filename}'), 'a b.png');
    expect(plan.fields[1]).to.deep.equal(['key', 'user/user1/${filename}']);
    expect(key).to.equal('user/user1/a b.png');
  });

  it('leaves a complete key alone and finds the key field whatever its case', () => {
    const { plan, key } = resolveKey(planWithKey('uploads/x.bin', 'Key'), 'y.bin');
    expect(key).to.equal('uploads/x.bin');
    expect(plan.fields[1]).to.deep.equal(['Key', 'uploads/x.bin']);
  });
});
