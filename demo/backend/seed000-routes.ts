// The seed-000 style API (Traffio's third-party upload): ask with `file_type` and `person_id`,
// get an HTML form's attributes and inputs with a key PREFIX, POST the form to storage with the
// file's name appended to the key, then register the file with `file_name` = that key.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { DEFAULT_CONTENT_TYPE } from '../../src/server/content-type.js';
import { jsonResponse } from '../../src/server/json-response.js';
import { isKeyUnder } from '../../src/server/object-key.js';
import { httpStatusOf } from '../../src/server/storage-error.js';
import type { DemoStorage } from './demo-storage.js';
import { demoUser, userFolder, type DemoUser } from './demo-users.js';
import type { ObjectLink } from './object-routes.js';
import { fail, readObject, wholeNumber, type Handler } from './router.js';

const MAX_SIZE = 2 * 1024 ** 3;
const EXPIRES_IN = 600;
const MIME = /^[\w.+-]+\/[\w.+-]+$/;
/** The inputs in the order Traffio's example lists them; any others follow. */
const INPUT_ORDER = ['Content-Type', 'key', 'X-Amz-Credential', 'X-Amz-Algorithm', 'X-Amz-Date', 'Policy', 'X-Amz-Signature'];

/** A person's files, in the folder of the demo user who uploads them. */
function personPrefix(user: DemoUser, personId: number): string {
  return `${userFolder(user)}person/${personId}/`;
}

/** POST /api/seed000/upload_person_file `{ file_type, person_id }` -> `{ formAttributes, formInputs, person_id, customer_id }`. */
export function uploadPersonFileHandler(storage: DemoStorage): Handler {
  return async (request) => {
    const body = await readObject(request);
    const personId = wholeNumber(body?.person_id);
    const fileType = typeof body?.file_type === 'string' ? body.file_type.trim().toLowerCase() : undefined;
    if (personId === undefined) return fail(400, 'InvalidRequest', '"person_id" must be a whole number.');
    if (fileType === undefined || (fileType !== '' && !MIME.test(fileType))) {
      return fail(400, 'InvalidRequest', '"file_type" must be a MIME type such as "image/jpeg".');
    }
    // A browser that does not know the type sends ''; the object still needs one.
    const contentType = fileType || DEFAULT_CONTENT_TYPE;
    const prefix = `${personPrefix(await demoUser(request), personId)}${Math.floor(Date.now() / 1000)}/`;
    // A key ending in ${filename} makes the SDK write a starts-with condition on the prefix,
    // so the browser may append the file's name; the form then gets the bare prefix.
    // No success_action_status, as in Traffio's form: storage answers 204.
    const post = await createPresignedPost(storage.signer, {
      Bucket: storage.bucket,
      Key: `${prefix}\${filename}`,
      Conditions: [['content-length-range', 0, MAX_SIZE]],
      Fields: { 'Content-Type': contentType },
      Expires: EXPIRES_IN,
    });
    const inputs: Record<string, string> = { ...post.fields, key: prefix };
    const ordered = Object.fromEntries([
      ...INPUT_ORDER.filter((name) => name in inputs).map((name) => [name, inputs[name]!] as const),
      ...Object.entries(inputs).filter(([name]) => !INPUT_ORDER.includes(name)),
    ]);
    return jsonResponse(200, {
      formAttributes: { action: post.url, method: 'POST', enctype: 'multipart/form-data', key: prefix },
      formInputs: ordered,
      person_id: String(personId),
      customer_id: '1',
    });
  };
}

/**
 * POST /api/seed000/person_file `{ file_name, document_type_id, file_title, file_description, person_id }`:
 * confirms the object exists under the person's prefix, then answers `{ file_id, file_name, file_title, file_url }`.
 */
export function personFileHandler(storage: DemoStorage, link: ObjectLink): Handler {
  // Unique across restarts, as a database's ids would be.
  let nextFileId = Date.now();
  return async (request) => {
    const body = await readObject(request);
    const personId = wholeNumber(body?.person_id);
    const key = typeof body?.file_name === 'string' ? body.file_name : '';
    if (personId === undefined) return fail(400, 'InvalidRequest', '"person_id" must be a whole number.');
    const prefix = personPrefix(await demoUser(request), personId);
    if (!isKeyUnder(prefix, key)) {
      return fail(403, 'KeyNotAllowed', `"file_name" must be the uploaded key, under "${prefix}".`);
    }
    try {
      await storage.client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key }));
    } catch (error) {
      if (httpStatusOf(error) === 404) return fail(404, 'NoSuchKey', `No file is stored under "${key}".`);
      throw error;
    }
    const title = typeof body?.file_title === 'string' && body.file_title ? body.file_title : key.slice(key.lastIndexOf('/') + 1);
    return jsonResponse(200, { file_id: nextFileId++, file_name: key, file_title: title, file_url: link(key) });
  };
}
