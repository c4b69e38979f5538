import { GetObjectCommand, ListObjectsV2Command, type _Object } from '@aws-sdk/client-s3';
import { DEFAULT_CONTENT_TYPE } from '../../src/server/content-type.js';
import { jsonResponse } from '../../src/server/json-response.js';
import { httpStatusOf } from '../../src/server/storage-error.js';
import type { DemoStorage } from './demo-storage.js';
import { demoUser, userFolder } from './demo-users.js';
import { fail, type Handler } from './router.js';

/**
 * Every key the demo writes starts here; the content route shows nothing else. Its links open in
 * a new tab, which sends no X-Demo-User: they are the demo's stand-in for a real app's signed GET URLs.
 */
const DEMO_PREFIX = 'uploads/';
/** Most objects the list answers, newest first. */
const LIST_LIMIT = 100;
/** Pages of 1000 keys read before giving up on finding the newest ones in a huge bucket. */
const LIST_PAGES = 5;

/** A link the browser can open for one key (see objectLinker). */
export type ObjectLink = (key: string) => string;

/**
 * The dev storage serves objects to anyone, so its links point straight at it. A real bucket is
 * private: its links go through GET /api/objects/content, resolved against `base()` ('' gives
 * links relative to the page, which reaches /api through Vite's proxy).
 */
export function objectLinker(storage: DemoStorage, base: () => string): ObjectLink {
  if (storage.publicObjects && storage.endpoint) {
    const root = `${storage.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(storage.bucket)}/`;
    return (key) => root + key.split('/').map(encodeURIComponent).join('/');
  }
  return (key) => `${base()}/api/objects/content?key=${encodeURIComponent(key)}`;
}

/** GET /api/objects: where files go, and the newest objects the calling user stored, with links. */
export function listObjectsHandler(storage: DemoStorage, link: ObjectLink): Handler {
  return async (request) => {
    const prefix = userFolder(await demoUser(request));
    const found: _Object[] = [];
    let token: string | undefined;
    let truncated = false;
    for (let page = 0; page < LIST_PAGES; page++) {
      const answer = await storage.client.send(
        new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      found.push(...(answer.Contents ?? []));
      token = answer.IsTruncated ? answer.NextContinuationToken : undefined;
      if (!token) break;
      truncated = page === LIST_PAGES - 1;
    }
    const newest = found
      .filter((object) => object.Key !== undefined)
      .sort((a, b) => (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0));
    return jsonResponse(200, {
      storage: {
        kind: storage.kind,
        bucket: storage.bucket,
        region: storage.region,
        ...(storage.endpoint && { endpoint: storage.endpoint }),
        ...(storage.dataDir && { dataDir: storage.dataDir }),
      },
      objects: newest.slice(0, LIST_LIMIT).map((object) => ({
        key: object.Key!,
        size: object.Size ?? 0,
        ...(object.LastModified && { lastModified: object.LastModified.toISOString() }),
        url: link(object.Key!),
      })),
      truncated: truncated || newest.length > LIST_LIMIT,
    });
  };
}

/** GET /api/objects/content?key=…: streams one object of a private bucket to the browser. */
export function objectContentHandler(storage: DemoStorage): Handler {
  return async (request) => {
    const key = new URL(request.url).searchParams.get('key') ?? '';
    if (!key.startsWith(DEMO_PREFIX) || key.split('/').includes('..')) {
      return fail(403, 'KeyNotAllowed', `Only keys under "${DEMO_PREFIX}" can be read here.`);
    }
    try {
      const object = await storage.client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: key }));
      const name = key.slice(key.lastIndexOf('/') + 1);
      const headers = new Headers({
        'Content-Type': object.ContentType || DEFAULT_CONTENT_TYPE,
        'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(name)}`,
        // Uploaded files are the visitor's, not the demo's: never let them run as pages of this origin.
        'Content-Security-Policy': "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'",
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
      if (object.ContentLength !== undefined) headers.set('Content-Length', String(object.ContentLength));
      const body = object.Body?.transformToWebStream() ?? null;
      return new Response(body as ReadableStream<Uint8Array> | null, { status: 200, headers });
    } catch (error) {
      if (httpStatusOf(error) === 404) return fail(404, 'NoSuchKey', `No object is stored under "${key}".`);
      throw error;
    }
  };
}
