// The seed-003 style API (Navixy's task-form files): create a file entry with `task_id`,
// `field_id`, `size` and `filename`, get `{ success, value: { file_id, url, expires,
// file_field_name, fields } }`, POST the file last, then submit the form with the file id as
// the field's value. Refusals come as `{ success: false, status: { code, description } }`.
// Signing is the package's createSignHandler: `authorize` names the user and the task,
// `keyPrefix` gives the task a folder in the user's, and `beforeSign` is where the vendor's
// refusals (271 too large, 267 too many pending files, 268 quota) live.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createSignHandler, SignRefusal, type AcceptedUpload, type PresignedUpload } from '../../src/server/index.js';
import { jsonResponse } from '../../src/server/json-response.js';
import { keyFolder } from '../../src/server/object-key.js';
import type { DemoStorage } from './demo-storage.js';
import { demoUser, userFolder, type DemoUser } from './demo-users.js';
import { readObject, wholeNumber, type Handler } from './router.js';

/** The vendor's default limit, error 271. */
const MAX_FILE_SIZE = 16 * 1024 * 1024;
/** Created but unsubmitted files per form field before error 267. */
const MAX_PENDING = 6;
/** Bytes of created but unsubmitted files per user before error 268. */
const QUOTA = 64 * 1024 * 1024;
/** One POST; the vendor's 16 MB is beforeSign's to enforce, with its own code. */
const MAX_POST_SIZE = 5 * 1024 ** 3;
/** Seconds an entry may wait for its upload; the policy expires with it. */
const EXPIRES_IN = 600;
const FIELD_ID = /^[\w.-]{1,64}$/;

/** A few types by extension, so that a stored file opens right from its link. */
const TYPES: Readonly<Record<string, string>> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', json: 'application/json', zip: 'application/zip',
  mp4: 'video/mp4', mp3: 'audio/mpeg',
};

/** Who signs: the demo user, and the task field they upload to (the route passes it in the query). */
interface TaskCaller {
  user: DemoUser;
  taskId: number;
  fieldId: string;
}

interface FileEntry extends TaskCaller {
  fileId: number;
  size: number;
  /** Everything before `${filename}` in the key. */
  folder: string;
  /** Epoch ms. */
  expiresAt: number;
}

const refuse = (code: number | string, description: string, status = 400) =>
  jsonResponse(status, { success: false, status: { code, description } });

/** The two routes share the created entries: `create` counts them, `submit` settles them. */
export function createSeed003Handlers(storage: DemoStorage): { create: Handler; submit: Handler } {
  const entries = new Map<number, FileEntry>();
  // Unique across restarts, as a database's ids would be.
  let nextFileId = Date.now();

  const isUploaded = async (entry: FileEntry): Promise<boolean> => {
    const answer = await storage.client.send(
      new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: entry.folder, MaxKeys: 1 }),
    );
    return (answer.KeyCount ?? answer.Contents?.length ?? 0) > 0;
  };

  /** A user's entries that still count: an entry never uploaded is gone once it expires. */
  const pendingOf = async (user: DemoUser): Promise<FileEntry[]> => {
    const now = Date.now();
    const pending: FileEntry[] = [];
    for (const entry of entries.values()) {
      if (entry.user !== user) continue;
      if (entry.expiresAt <= now && !(await isUploaded(entry))) entries.delete(entry.fileId);
      else pending.push(entry);
    }
    return pending;
  };

  const sign = createSignHandler<TaskCaller>({
    bucket: storage.bucket,
    client: storage.signer,
    maxSize: MAX_POST_SIZE,
    // S3 puts the uploaded file's name in place of ${filename}; the policy holds the folder.
    key: 'filename-variable',
    expiresIn: EXPIRES_IN,
    authorize: async (request) => {
      const query = new URL(request.url).searchParams;
      return { user: await demoUser(request), taskId: Number(query.get('task_id')), fieldId: query.get('field_id') ?? '' };
    },
    keyPrefix: ({ user, taskId }) => `${userFolder(user)}task/${taskId}/`,
    beforeSign: async ({ user, taskId, fieldId }, upload: AcceptedUpload) => {
      if (upload.size > MAX_FILE_SIZE) throw new SignRefusal(400, '271', 'File size is larger than the maximum allowed (16 MB)');
      const pending = await pendingOf(user);
      const sameField = pending.filter((entry) => entry.taskId === taskId && entry.fieldId === fieldId);
      if (sameField.length >= MAX_PENDING) throw new SignRefusal(400, '267', 'Too many entities');
      const reserved = pending.reduce((sum, entry) => sum + entry.size, 0);
      if (reserved + upload.size > QUOTA) throw new SignRefusal(400, '268', 'Quota exceeded: submit or wait for pending files first');
    },
  });

  /** POST /api/seed003/task/form/file/create `{ task_id, field_id, size, filename? }`. */
  const create: Handler = async (request) => {
    const body = await readObject(request);
    const taskId = wholeNumber(body?.task_id);
    const fieldId = body?.field_id;
    const size = wholeNumber(body?.size);
    const filename = typeof body?.filename === 'string' && body.filename !== '' ? body.filename : 'file';
    if (taskId === undefined || typeof fieldId !== 'string' || !FIELD_ID.test(fieldId) || size === undefined) {
      return refuse(7, 'Invalid parameters: task_id (int), field_id (string) and size (int) are required');
    }
    // The vendor's body, put into the sign handler's shape; the task goes in the query, for authorize.
    const url = new URL(request.url);
    url.search = new URLSearchParams({ task_id: String(taskId), field_id: fieldId }).toString();
    const headers = new Headers(request.headers);
    headers.set('Content-Type', 'application/json');
    headers.delete('Content-Length');
    const contentType = TYPES[filename.slice(filename.lastIndexOf('.') + 1).toLowerCase()] ?? '';
    const signed = await sign(new Request(url, { method: 'POST', headers, body: JSON.stringify({ filename, contentType, size }) }));
    const answer = (await signed.json()) as PresignedUpload | { error: { code: string; message: string } };
    if ('error' in answer) {
      const { code, message } = answer.error;
      return refuse(/^\d+$/.test(code) ? Number(code) : code, message, signed.status);
    }

    const fileId = nextFileId++;
    const expiresAt = Date.parse(answer.expires);
    const user = await demoUser(request);
    entries.set(fileId, { fileId, user, taskId, fieldId, size, folder: keyFolder(answer.key), expiresAt });
    return jsonResponse(200, {
      success: true,
      value: {
        file_id: fileId,
        url: answer.url,
        expires: new Date(expiresAt).toISOString().slice(0, 19).replace('T', ' '),
        file_field_name: 'file',
        fields: answer.fields,
      },
    });
  };

  /** POST /api/seed003/task/form/submit `{ task_id, values: { [field_id]: value | value[] } }`: the caller's own files only. */
  const submit: Handler = async (request) => {
    const user = await demoUser(request);
    const body = await readObject(request);
    const taskId = wholeNumber(body?.task_id);
    const values = body?.values;
    if (taskId === undefined || values === null || typeof values !== 'object' || Array.isArray(values)) {
      return refuse(7, 'Invalid parameters: task_id (int) and values (object) are required');
    }
    const mine = (entry: FileEntry) => entry.user === user && entry.taskId === taskId;
    const fields = new Set([...entries.values()].filter(mine).map((entry) => entry.fieldId));
    for (const [fieldId, value] of Object.entries(values)) {
      // Only file fields (those with created entries) hold file ids; other fields pass as they are.
      if (!fields.has(fieldId)) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        const entry = entries.get(wholeNumber(item) ?? -1);
        if (!entry || !mine(entry) || entry.fieldId !== fieldId || !(await isUploaded(entry))) {
          return refuse(201, `Not found in the database: no uploaded file ${String(item)} for field ${fieldId}`);
        }
      }
    }
    // Submitted files are the fields' values now; the others are dropped, as the vendor does.
    for (const entry of [...entries.values()]) if (mine(entry)) entries.delete(entry.fileId);
    return jsonResponse(200, { success: true });
  };

  return { create, submit };
}
