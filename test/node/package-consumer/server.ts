// The backend half as a TypeScript server uses it: every handler, the Node adapter, the refusal and the answer types.
import { createServer } from 'node:http';
import {
  createMultipartHandler,
  createRegisterHandler,
  createSignHandler,
  presignUpload,
  SignRefusal,
  toNodeListener,
  type PresignedUpload,
  type SignOptions,
  type StoredObject,
} from 'presigned-uploader/server';

const options: SignOptions = { bucket: 'uploads', maxSize: 1024, keyPrefix: 'uploads/' };
const sign = createSignHandler(options);
const signPut = createSignHandler({ ...options, method: 'PUT' });
const multipart = createMultipartHandler({ bucket: 'uploads', maxSize: 1024 });
const register = createRegisterHandler({
  bucket: 'uploads',
  onRegister: (object: StoredObject) => ({ id: object.key }),
});
const post: Promise<PresignedUpload> = presignUpload(options, { filename: 'a.txt', contentType: 'text/plain', size: 1 });
const refusal: SignRefusal = new SignRefusal(403, 'Forbidden', 'no');
const handlers: Array<(request: Request) => Promise<Response>> = [sign, signPut, multipart, register];
createServer(toNodeListener(handlers[0]!, { maxBodySize: 1024 }));
void post;
void refusal;
