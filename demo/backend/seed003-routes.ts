// The seed-003 style API (Navixy's task-form files): create a file entry with `task_id`,
// `field_id`, `size` and `filename`, get `{ success, value: { file_id, url, expires,
// file_field_name, fields } }`, POST the file last, then submit the form with the file id as
// the field's value. Refusals come as `{ success: false, status: { code, description } }`.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { jsonResponse } from '../../src/server/json-response.js';
import type { DemoStorage } from './demo-storage.js';
import { readObject, wholeNumber, type Handler } from './router.js';

/** The vendor's default limit, error 271. */
const MAX_FILE_SIZE = 16 * 1024 * 1024;
/** Created but unsubmitted files per form field before error 267. */
const MAX_PENDING = 6;
/** Seconds an entry may wait for its upload; the policy expires with it. */
const EXPIRES_IN = 600;
const FIELD_ID = /^[\w.-]{1,64}$/;

/** A few types by extension, so that a stored file opens right from its link. */
const TYPES: Readonly<Record<string, string>> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', json: 'application/json', zip: 'application/zip',
  mp4: 'video/mp4', mp3: 'audio/mpeg',
};

interface FileEntry {
  fileId: number;
  taskId: number;
  fieldId: string;
  /** Everything before `${filename}` in the key. */
  folder: string;
  /** Epoch ms. */
  expiresAt: number;
}

const refuse = (code: number, description: string, status = 400) =>
  jsonResponse(status, { success: false, status: { code, description } });

function taskFolder(taskId: number, fileId: number): string {
  return `uploads/task/${taskId}/${fileId}/`;
}

/** The two routes share the created entries: `create` counts them, `submit` settles them. */
export function createSeed003Handlers(storage: DemoStorage): { create: Handler; submit: Handler } {
  const entries = new Map<number, FileEntry>();
  // Ids go into keys, and the dev storage outlives the backend: a restart must not reuse them.
  let nextFileId = Date.now();

  const isUploaded = async (entry: FileEntry): Promise<boolean> => {
    const answer = await storage.client.send(
      new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: entry.folder, MaxKeys: 1 }),
    );
    return (answer.KeyCount ?? answer.Contents?.length ?? 0) > 0;
  };

  /** Entries of one field that still count: an entry never uploaded is gone once it expires. */
  const pendingOf = async (taskId: number, fieldId: string): Promise<FileEntry[]> => {
    const now = Date.now();
    const pending: FileEntry[] = [];
    for (const entry of entries.values()) {
      if (entry.taskId !== taskId || entry.fieldId !== fieldId) continue;
      if (entry.expiresAt <= now && !(await isUploaded(entry))) entries.delete(entry.fileId);
      else pending.push(entry);
    }
    return pending;
  };

  /** POST /api/seed003/task/form/file/create `{ task_id, field_id, size, filename? }`. */
  const create: Handler = async (request) => {
    const body = await readObject(request);
    const taskId = wholeNumber(body?.task_id);
    const fieldId = body?.field_id;
    const size = wholeNumber(body?.size);
    const filename = typeof body?.filename === 'string' ? body.filename : undefined;
    if (taskId === undefined || typeof fieldId !== 'string' || !FIELD_ID.test(fieldId) || size === undefined) {
      return refuse(7, 'Invalid parameters: task_id (int), field_id (string) and size (int) are required');
    }
    if (size > MAX_FILE_SIZE) return refuse(271, 'File size is larger than the maximum allowed (16 MB)');
    if ((await pendingOf(taskId, fieldId)).length >= MAX_PENDING) return refuse(267, 'Too many entities');

    const fileId = nextFileId++;
    const folder = taskFolder(taskId, fileId);
    const expiresAt = Math.floor(Date.now() / 1000 + EXPIRES_IN) * 1000;
    const contentType = filename ? TYPES[filename.slice(filename.lastIndexOf('.') + 1).toLowerCase()] : undefined;
    const post = await createPresignedPost(storage.signer, {
      Bucket: storage.bucket,
      // S3 puts the uploaded file's name in place of ${filename}; the SDK signs a starts-with on the folder.
      Key: `${folder}\${filename}`,
      // `size` reserves the space: the file may not be larger than announced.
      Conditions: [['content-length-range', 0, size]],
      Fields: { success_action_status: '201', ...(contentType && { 'Content-Type': contentType }) },
      Expires: EXPIRES_IN,
    });
    entries.set(fileId, { fileId, taskId, fieldId, folder, expiresAt });
    return jsonResponse(200, {
      success: true,
      value: {
        file_id: fileId,
        url: post.url,
        expires: new Date(expiresAt).toISOString().slice(0, 19).replace('T', ' '),
        file_field_name: 'file',
        fields: post.fields,
      },
    });
  };

  /** POST /api/seed003/task/form/submit `{ task_id, values: { [field_id]: value | value[] } }`. */
  const submit: Handler = async (request) => {
    const body = await readObject(request);
    const taskId = wholeNumber(body?.task_id);
    const values = body?.values;
    if (taskId === undefined || values === null || typeof values !== 'object' || Array.isArray(values)) {
      return refuse(7, 'Invalid parameters: task_id (int) and values (object) are required');
    }
    const fields = new Set([...entries.values()].filter((entry) => entry.taskId === taskId).map((entry) => entry.fieldId));
    for (const [fieldId, value] of Object.entries(values)) {
      // Only file fields (those with created entries) hold file ids; other fields pass as they are.
      if (!fields.has(fieldId)) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        const entry = entries.get(wholeNumber(item) ?? -1);
        if (!entry || entry.taskId !== taskId || entry.fieldId !== fieldId || !(await isUploaded(entry))) {
          return refuse(201, `Not found in the database: no uploaded file ${String(item)} for field ${fieldId}`);
        }
      }
    }
    // Submitted files are the fields' values now; the others are dropped, as the vendor does.
    for (const entry of [...entries.values()]) if (entry.taskId === taskId) entries.delete(entry.fileId);
    return jsonResponse(200, { success: true });
  };

  return { create, submit };
}
