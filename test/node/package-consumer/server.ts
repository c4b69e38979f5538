// The backend half as a TypeScript server uses it: every handler, the Node adapter, the refusal and the answer types.
import { createServer } from 'node:http';
import {
  allowedOrigins,
  createMultipartHandler,
  createRegisterHandler,
  createSignHandler,
  presignUpload,
  SignRefusal,
  toNodeListener,
  type AcceptedUpload,
  type PresignedUpload,
  type SignOptions,
  type StoredObject,
} from 'presigned-uploader/server';

const options: SignOptions = { bucket: 'uploads', maxSize: 1024, keyPrefix: 'uploads/' };
const checkOrigin = allowedOrigins(['https://app.example']);
// The context type flows from authorize into keyPrefix, beforeSign and onRegister.
const access = {
  authorize: async (request: Request) => {
    checkOrigin(request);
    return { userId: request.headers.get('x-user') ?? 'anonymous' };
  },
  keyPrefix: (user: { userId: string }) => `users/${user.userId}/`,
};
const scoped = createSignHandler({
  ...options,
  ...access,
  beforeSign: (user, upload: AcceptedUpload) => {
    if (upload.size > 100 && user.userId === 'anonymous') throw new SignRefusal(403, 'QuotaExceeded', 'Sign in for larger files.');
  },
});
const sign = createSignHandler(options);
const signPut = createSignHandler({ ...options, method: 'PUT' });
const multipart = createMultipartHandler({ bucket: 'uploads', maxSize: 1024 });
const register = createRegisterHandler({
  bucket: 'uploads',
  ...access,
  onRegister: (object: StoredObject, _body, user) => ({ id: object.key, owner: user.userId }),
});
const post: Promise<PresignedUpload> = presignUpload(options, { filename: 'a.txt', contentType: 'text/plain', size: 1 });
const refusal: SignRefusal = new SignRefusal(403, 'Forbidden', 'no');
const handlers: Array<(request: Request) => Promise<Response>> = [sign, scoped, signPut, multipart, register];
createServer(toNodeListener(handlers[0]!, { maxBodySize: 1024 }));
void post;
void refusal;
