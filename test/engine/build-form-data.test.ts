import { expect } from '@open-wc/testing';
import { buildFormData } from '../../src/engine/build-form-data.js';
import { makeFile } from '../helpers/files.js';

describe('buildFormData', () => {
  it('sends the fields in the order given, then the file last, and nothing else', () => {
    const file = makeFile('a.png', 10, 'image/png');
    const form = buildFormData(
      {
        url: 'https://s3.test/b',
        method: 'POST',
        fields: [['policy', 'P'], ['key', 'k'], ['x-amz-signature', 'S']],
        fileField: 'upload',
        key: 'k',
      },
      file,
      file.name,
    );
    const entries = [...form.entries()];
    expect(entries.map(([name]) => name)).to.deep.equal(['policy', 'key', 'x-amz-signature', 'upload']);
    const sent = entries[3]![1] as File;
    expect(sent.name).to.equal('a.png');
    expect(sent.size).to.equal(10);
  });
});
