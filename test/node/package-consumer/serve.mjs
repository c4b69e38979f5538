// Runs inside the temp app, so every import resolves as in a user's project: from the installed
// tarball and the peers installed next to it. Prints `{ "url" }` once it listens.
// Env: STORAGE_URL, BUCKET, ACCESS_KEY_ID, SECRET_ACCESS_KEY.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createRegisterHandler, createSignHandler, toNodeListener } from 'presigned-uploader/server';

const { STORAGE_URL, BUCKET, ACCESS_KEY_ID, SECRET_ACCESS_KEY } = process.env;
const storage = {
  bucket: BUCKET,
  endpoint: STORAGE_URL,
  region: 'us-east-1',
  credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
};
const keyPrefix = 'installed/';
const routes = {
  '/api/sign': toNodeListener(createSignHandler({ ...storage, keyPrefix, maxSize: 1024 * 1024 })),
  '/api/sign-put': toNodeListener(createSignHandler({ ...storage, keyPrefix, maxSize: 1024 * 1024, method: 'PUT' })),
  '/api/register': toNodeListener(createRegisterHandler({ ...storage, keyPrefix })),
};
const standalone = await readFile(fileURLToPath(import.meta.resolve('presigned-uploader/standalone')));
const page = `<!doctype html>
<script type="module" src="/standalone.js"></script>
<presigned-uploader endpoint="/api/sign" register-endpoint="/api/register"></presigned-uploader>`;

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (routes[path]) return routes[path](req, res);
  if (path === '/') return void res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
  if (path === '/standalone.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(standalone);
  res.writeHead(404).end();
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })));
