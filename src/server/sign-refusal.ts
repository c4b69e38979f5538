/**
 * A request the sign step refuses on purpose (bad body, disallowed type, too large).
 * `presignUpload` throws it so that callers without the HTTP layer can map it to their own
 * answer shape; the handlers turn it into `{ error: { code, message } }` with `status`.
 */
export class SignRefusal extends Error {
  status: number;
  code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'SignRefusal';
    this.status = status;
    this.code = code;
  }
}
