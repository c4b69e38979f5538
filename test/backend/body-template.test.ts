import { expect } from '@open-wc/testing';
import { fillTemplate, parseBodyTemplate } from '../../src/backend/body-template.js';
import { UploadError } from '../../src/engine/upload-error.js';

const values = { name: 'a "b".jpg', type: 'image/jpeg', size: 1234, lastModified: 99, fileId: undefined };

describe('body templates', () => {
  it('replaces an exact placeholder by the typed value', () => {
    const filled = fillTemplate(parseBodyTemplate('{"size":"{size}","t":"{lastModified}","n":"{name}"}', 'sign'), values);
    expect(filled).to.deep.equal({ size: 1234, t: 99, n: 'a "b".jpg' });
  });

  it('interpolates placeholders inside longer strings, in nested objects and arrays', () => {
    const template = parseBodyTemplate('{"title":"File {name} ({size} bytes)","meta":{"list":["{type}",6,true,null]}}', 'sign');
    expect(fillTemplate(template, values)).to.deep.equal({
      title: 'File a "b".jpg (1234 bytes)',
      meta: { list: ['image/jpeg', 6, true, null] },
    });
  });

  it('makes a missing value null when exact and empty when interpolated; leaves unknown placeholders', () => {
    const template = parseBodyTemplate('{"id":"{fileId}","s":"id={fileId}","u":"{unknown}"}', 'register');
    expect(fillTemplate(template, values)).to.deep.equal({ id: null, s: 'id=', u: '{unknown}' });
  });

  it('refuses a template that is not JSON with a configuration error of its stage', () => {
    let error: unknown;
    try {
      parseBodyTemplate('{"a":', 'register');
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(UploadError);
    expect((error as UploadError).stage).to.equal('register');
    expect((error as UploadError).code).to.equal('InvalidTemplate');
    expect((error as UploadError).message).to.contain('register-body');
  });
});
