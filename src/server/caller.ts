import { checkKeyPrefix, type KeyPrefix } from './key-prefix.js';

/** Who may call a handler, and where their keys go: shared by the sign, multipart and register handlers. */
export interface AccessOptions<Context> {
  /**
   * Who is calling: read the request's headers or cookies (not its body) and return the caller's
   * context (any value, e.g. `{ userId }`), or throw a `SignRefusal` (401, 403) to refuse.
   * Nothing is signed, listed, completed or registered before it resolves. Without it the
   * handler serves anyone who can reach it.
   */
  authorize?(request: Request): Context | Promise<Context>;
  /**
   * The folder keys go to and are taken back from. Default 'uploads/'. A function of the
   * context gives each caller their own scope (`(user) => \`users/${user.id}/\``); its answer is
   * checked on every call: no leading '/', no '.' or '..' segment, no '${', no control characters.
   * A trailing '/' is added when missing, so 'users/1' never takes keys of 'users/10/'.
   */
  keyPrefix?: KeyPrefix<Context>;
}

export const DEFAULT_KEY_PREFIX = 'uploads/';

/** A caller that `authorize` let in, with the folder their keys must lie in. */
export interface Caller<Context> {
  context: Context;
  keyPrefix: string;
}

/**
 * Resolves the caller of each request. A string prefix is checked once, here (a TypeError
 * names the mistake); a function's answer on every call, where a bad one fails that call
 * with a logged 500 and nothing signed.
 */
export function callerResolver<Context>(options: AccessOptions<Context>): (request: Request) => Promise<Caller<Context>> {
  const { authorize, keyPrefix = DEFAULT_KEY_PREFIX } = options;
  if (authorize !== undefined && typeof authorize !== 'function') {
    throw new TypeError('presigned-uploader/server: `authorize` must be a function.');
  }
  const fixed = typeof keyPrefix === 'function' ? undefined : checkKeyPrefix(keyPrefix);
  return async (request) => {
    // Without authorize there is no caller to tell apart: the context is undefined, as the types say.
    const context = authorize ? await authorize.call(options, request) : (undefined as Context);
    return { context, keyPrefix: fixed ?? checkKeyPrefix((keyPrefix as Exclude<KeyPrefix<Context>, string>)(context, request)) };
  };
}
