// Two users of one app on one page: each uploader carries its user's header (the `headers`
// property), the demo backend's `authorize` reads it and `keyPrefix` gives each user a folder.
// One uploads by POST, the other in S3 multipart parts; each file lands in its own user's
// folder in real storage, and each user's object list shows only their own file.
import { expect } from '@open-wc/testing';
import type { UploadCompleteDetail, UploadErrorDetail } from '../../src/events.js';
import { randomFile } from '../helpers/files.js';
import { requireTestEnv } from '../helpers/test-env.js';
import { settle, uploader } from '../helpers/uploader.js';

const api = `${await requireTestEnv('DEMO_API_URL')}/api`;

async function objectsOf(user: string): Promise<string[]> {
  const response = await fetch(`${api}/objects`, { headers: { 'X-Demo-User': user } });
  expect(response.status).to.equal(200);
  return ((await response.json()) as { objects: Array<{ key: string }> }).objects.map((object) => object.key);
}

describe('two users, one page', function () {
  this.timeout(60_000);

  it("stores each user's file in that user's folder, by POST and by multipart, and lists it to that user only", async () => {
    const ada = await uploader(`endpoint="${api}/sign" register-endpoint="${api}/register"`);
    const grace = await uploader(
      `endpoint="${api}/sign-put" multipart-endpoint="${api}/multipart" multipart-threshold="0" register-endpoint="${api}/register"`,
    );
    ada.headers = { 'X-Demo-User': 'ada' };
    grace.headers = { 'X-Demo-User': 'grace' };
    // Both at once: the page holds two users' uploads in flight, each with its own headers.
    const [adaDone, graceDone] = await Promise.all([
      settle(ada, [randomFile('ada.txt', 3000, 'text/plain')]),
      settle(grace, [randomFile('grace.bin', 6 * 1024 * 1024 + 5, 'application/octet-stream')]),
    ]);
    for (const done of [adaDone, graceDone]) {
      expect(done.type, JSON.stringify((done.detail as UploadErrorDetail).error)).to.equal('upload-complete');
    }
    const adaKey = (adaDone.detail as UploadCompleteDetail).key;
    const graceKey = (graceDone.detail as UploadCompleteDetail).key;
    expect(adaKey).to.match(/^uploads\/users\/ada\/[0-9a-f-]{36}\/ada\.txt$/);
    expect(graceKey).to.match(/^uploads\/users\/grace\/[0-9a-f-]{36}\/grace\.bin$/);
    // Grace's file really went up in parts: the page called the multipart endpoint (radosgw's
    // complete answer carries no ETag, so the -N suffix of a multipart ETag proves nothing there).
    expect(performance.getEntriesByType('resource').some((entry) => entry.name === `${api}/multipart`)).to.equal(true);

    const [adaObjects, graceObjects] = await Promise.all([objectsOf('ada'), objectsOf('grace')]);
    expect(adaObjects).to.include(adaKey);
    expect(adaObjects).not.to.include(graceKey);
    expect(graceObjects).to.include(graceKey);
    expect(graceObjects).not.to.include(adaKey);
    expect([...adaObjects, ...graceObjects].every((key) => /^uploads\/users\/(ada|grace)\//.test(key))).to.equal(true);
  });

  it("refuses an uploader whose user the backend does not know, at sign, with the handler's code", async () => {
    const stranger = await uploader(`endpoint="${api}/sign" register-endpoint="${api}/register" retries="0"`);
    stranger.headers = { 'X-Demo-User': 'mallory' };
    const done = await settle(stranger, [randomFile('m.txt', 10, 'text/plain')]);
    expect(done.type).to.equal('upload-error');
    const { stage, error } = done.detail as UploadErrorDetail;
    expect(stage).to.equal('sign');
    expect(error.status).to.equal(403);
    expect(error.code).to.equal('UnknownUser');
  });
});
