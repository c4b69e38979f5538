import { expect } from '@open-wc/testing';
import { sendToStorage } from '../../src/engine/send-to-storage.js';
import type { TransportRequest, TransportResponse } from '../../src/engine/xhr-transport.js';
import { makeFile } from '../helpers/files.js';

function recording(response: TransportResponse) {
  const requests: TransportRequest[] = [];
  const transport = async (request: TransportRequest) => {
    requests.push(request);
    return response;
  };
  return { transport, requests };
}

const put = (headers: Array<[string, string]>) => ({ url: 'https://s3.test/b/k.png?X-Amz-Signature=s', method: 'PUT' as const, headers, key: 'k.png' });

describe('sendToStorage, presigned PUT', () => {
  it('PUTs the raw file with exactly the signed headers and reads the ETag from the answer', async () => {
    const { transport, requests } = recording({ status: 200, body: '', header: (name) => (name === 'ETag' ? '"abc"' : null) });
    const file = makeFile('k.png', 10, 'image/png');
    const receipt = await sendToStorage(transport, {
      plan: put([['Content-Type', 'image/png']]),
      key: 'k.png',
      body: file,
      fileName: file.name,
      onProgress: () => {},
      signal: new AbortController().signal,
    });
    expect(receipt).to.deep.equal({ key: 'k.png', etag: 'abc', location: 'https://s3.test/b/k.png' });
    const [request] = requests;
    expect(request!.method).to.equal('PUT');
    expect(request!.headers).to.deep.equal([['Content-Type', 'image/png']]);
    expect(request!.body).to.equal(file);
  });

  it('sends a typeless body when the signed headers name no Content-Type, so the browser adds none', async () => {
    const { transport, requests } = recording({ status: 200, body: '', header: () => null });
    const file = makeFile('k.png', 10, 'image/png');
    await sendToStorage(transport, { plan: put([]), key: 'k.png', body: file, fileName: file.name, onProgress: () => {}, signal: new AbortController().signal });
    const body = requests[0]!.body as Blob;
    expect(body).to.not.be.instanceOf(FormData);
    expect(body.type).to.equal('');
    expect(body.size).to.equal(10);
  });

  it('reads an expired presigned URL as an expired permission, to be signed afresh', async () => {
    const { transport } = recording({ status: 403, body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', header: () => null });
    const file = makeFile('k.png', 10, 'image/png');
    const error = await sendToStorage(transport, { plan: put([]), key: 'k.png', body: file, fileName: file.name, onProgress: () => {}, signal: new AbortController().signal }).catch((caught: unknown) => caught);
    expect(error).to.deep.include({ stage: 'upload', code: 'AccessDenied', expired: true, retryable: false });
  });
});
