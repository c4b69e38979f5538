import type { IncomingMessage } from 'node:http';
import type { Answer } from './answer.js';
import { checkKeyLength } from './object-key.js';
import type { ObjectStore, StoredObject } from './object-store.js';
import { readPostForm, type FilePart, type PostForm } from './post-form.js';
import { allowedSize, checkPostPolicy, parsePostPolicy } from './post-policy.js';
import { verifyPostSignature } from './post-signature.js';
import { missingPostField, S3Error } from './s3-error.js';
import { postResponseXml } from './s3-xml.js';
import type { SigningKeys } from './sigv4.js';
import { spoolToFile, type SpooledFile } from './spool-file.js';
import { objectAttributes } from './stored-headers.js';

/** Where a POST lands and what it is checked against. */
export interface UploadTarget extends SigningKeys {
  store: ObjectStore;
  bucket: string;
  /** The object's absolute URL, for `Location`. */
  objectUrl(key: string): string;
  now(): Date;
}

/** The form after every check S3 makes before reading the file. */
interface AcceptedForm {
  key: string;
  file: FilePart;
  minBytes: number;
  maxBytes: number;
  /** Lowercase field name -> value. */
  values: Map<string, string>;
}

/**
 * S3's browser POST (SigV4 POST policy): checks the signature and the policy, streams the file
 * to a temp file within the size range, then moves it into place. Throws S3Error for refusals,
 * ClientGone when the client left; either way nothing partial is stored.
 */
export async function receivePostUpload(request: IncomingMessage, target: UploadTarget): Promise<Answer> {
  const form = await readPostForm(request);
  let accepted: AcceptedForm;
  try {
    accepted = acceptForm(form, target);
  } catch (error) {
    // Answer after the body: a browser still sending may never read an answer that came early.
    form.file?.stream.resume();
    await form.ended.catch(() => {});
    throw error;
  }

  const { key, file, minBytes, maxBytes, values } = accepted;
  const tempPath = target.store.tempPath();
  let spooled: SpooledFile;
  try {
    spooled = await spoolToFile(file.stream, tempPath, maxBytes);
  } catch (error) {
    // A broken body breaks the file stream with busboy's bare error; the form's own reason
    // (malformed, client gone) is set by the time queued events have run.
    await new Promise((resolve) => setImmediate(resolve));
    throw form.failure ?? error;
  }
  try {
    // Only a complete body counts: a client gone after the file's last byte stores nothing either.
    await form.ended;
    if (spooled.exceeded) {
      throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
        ProposedSize: spooled.size,
        MaxSizeAllowed: maxBytes,
      });
    }
    if (spooled.size < minBytes) {
      throw new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
        ProposedSize: spooled.size,
        MinSizeAllowed: minBytes,
      });
    }
    await target.store.commit(target.bucket, tempPath, storedObject(key, spooled.size, spooled.md5, values, target.now()));
  } catch (error) {
    await target.store.discard(tempPath);
    throw error;
  }
  return answer(target, key, spooled.md5, values);
}

function acceptForm(form: PostForm, target: UploadTarget): AcceptedForm {
  if (form.fieldsTooLarge) {
    throw new S3Error(400, 'MaxPostPreDataLengthExceededError', 'Your POST request fields preceding the upload file were too large.');
  }
  const values = new Map<string, string>();
  for (const { name, value } of form.fields) {
    const lower = name.toLowerCase();
    // S3 does not say which of two values it would check; refusing is the only unambiguous answer.
    if (values.has(lower)) {
      throw new S3Error(400, 'InvalidArgument', `POST form fields must be unique: '${name}' appears more than once.`, {
        ArgumentName: name,
        ArgumentValue: value,
      });
    }
    values.set(lower, value);
  }
  const { file } = form;
  if (!file || file.fieldName.toLowerCase() !== 'file') {
    throw new S3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.', {
      ArgumentName: 'file',
      ArgumentValue: '0',
    });
  }
  const rawKey = values.get('key');
  if (rawKey === undefined) throw missingPostField('key');

  const policyText = verifyPostSignature(values, target);
  const policy = parsePostPolicy(policyText);
  // As S3 does, the file's name goes into the key before any condition sees it.
  const key = rawKey.replaceAll('${filename}', file.filename);
  const checked = new Map(values).set('key', key).set('bucket', target.bucket);
  checkPostPolicy(policy, { values: checked, sentNames: form.fields.map((field) => field.name) }, target.now());

  if (key === '') throw new S3Error(400, 'InvalidArgument', 'User key must have a length greater than 0.', { ArgumentName: 'key', ArgumentValue: '' });
  checkKeyLength(key);
  const { min, max } = allowedSize(policy);
  return { key, file, minBytes: min, maxBytes: max, values: checked };
}

function storedObject(key: string, size: number, etag: string, values: ReadonlyMap<string, string>, now: Date): StoredObject {
  return { key, size, etag, lastModified: now.toISOString(), ...objectAttributes(values) };
}

/** success_action_redirect (303), else success_action_status: 201 with S3's XML, 200 or (default) 204 empty. */
function answer(target: UploadTarget, key: string, etag: string, values: ReadonlyMap<string, string>): Answer {
  const location = target.objectUrl(key);
  const headers: Record<string, string> = { ETag: `"${etag}"`, Location: location };
  const redirect = redirectUrl(values.get('success_action_redirect') ?? values.get('redirect'));
  if (redirect) {
    redirect.searchParams.set('bucket', target.bucket);
    redirect.searchParams.set('key', key);
    redirect.searchParams.set('etag', `"${etag}"`);
    return { status: 303, headers: { ...headers, Location: redirect.href }, body: '' };
  }
  switch (values.get('success_action_status')) {
    case '201':
      return {
        status: 201,
        headers: { ...headers, 'Content-Type': 'application/xml' },
        body: postResponseXml({ location, bucket: target.bucket, key, etag }),
      };
    case '200':
      return { status: 200, headers, body: '' };
    default:
      return { status: 204, headers, body: '' };
  }
}

/** S3 ignores a redirect it cannot follow and falls back to success_action_status. */
function redirectUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
