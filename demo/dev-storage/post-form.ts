import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { S3Error } from './s3-error.js';

export interface FormField {
  /** As sent: S3 matches names case-insensitively, but reports them as sent. */
  name: string;
  value: string;
}

export interface FilePart {
  fieldName: string;
  /** From the part's Content-Disposition, without any folder path the browser sent; '' when absent. */
  filename: string;
  stream: Readable;
}

/** A browser POST read up to its file: S3 ignores everything after the file, so nothing later is kept. */
export interface PostForm {
  /** The fields before the file, in order. */
  fields: FormField[];
  /** The first file part; undefined when the body ended without one. */
  file?: FilePart;
  /** The fields before the file passed S3's size or count limits. */
  fieldsTooLarge: boolean;
  /** Settles once the whole body is read: rejects when it is malformed or the client went away. */
  ended: Promise<void>;
  /** Why `ended` rejected, readable without waiting. */
  failure?: S3Error | ClientGone;
}

/** Thrown when the client closes the connection before its body is complete: nobody is left to answer. */
export class ClientGone extends Error {
  constructor() {
    super('The client closed the connection before the request body was complete.');
    this.name = 'ClientGone';
  }
}

// S3 caps the fields before the file at 20 KB.
const MAX_FIELDS_BYTES = 20 * 1024;
const MAX_FIELDS = 1000;

function malformed(): S3Error {
  return new S3Error(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
}

/**
 * Streams a multipart/form-data request through busboy and resolves as soon as the file part
 * starts (or the body ends without one), with the file as a stream: the caller decides where
 * the bytes go. Parts after the file are read and dropped, so `ended` can settle.
 */
export function readPostForm(request: IncomingMessage): Promise<PostForm> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*(;|$)/i.test(contentType)) {
    return Promise.reject(
      new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
        Condition: 'Bucket POST must be of the enclosure-type multipart/form-data',
      }),
    );
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      // Browsers send file names as raw UTF-8; busboy would read them as latin1.
      defParamCharset: 'utf8',
      limits: { fieldNameSize: 1024, fieldSize: MAX_FIELDS_BYTES + 1, fields: MAX_FIELDS },
    });
  } catch {
    return Promise.reject(malformed());
  }

  return new Promise<PostForm>((resolve, reject) => {
    const form: PostForm = { fields: [], fieldsTooLarge: false, ended: Promise.resolve() };
    let fieldsBytes = 0;
    let resolved = false;

    form.ended = new Promise<void>((endedResolve, endedReject) => {
      parser.on('finish', () => {
        endedResolve();
        if (!resolved) resolve(form);
        resolved = true;
      });
      parser.on('error', (error: unknown) => {
        const failure = error instanceof ClientGone ? error : malformed();
        form.failure = failure;
        endedReject(failure);
        if (!resolved) reject(failure);
        resolved = true;
      });
    });
    // Whoever reads the form may stop listening once it has answered; a late failure is then nobody's.
    form.ended.catch(() => {});

    parser.on('field', (name, value, info) => {
      if (form.file) return;
      fieldsBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (info.valueTruncated || info.nameTruncated || fieldsBytes > MAX_FIELDS_BYTES) form.fieldsTooLarge = true;
      form.fields.push({ name, value });
    });
    parser.on('fieldsLimit', () => {
      form.fieldsTooLarge = true;
    });
    parser.on('file', (fieldName, stream, info) => {
      // A client gone mid-file errors this stream even when nobody reads it any more (a refused
      // or ignored file): unhandled, that error would end the process. `ended` reports it.
      stream.on('error', () => {});
      if (form.file) {
        stream.resume();
        return;
      }
      form.file = { fieldName, filename: info.filename ?? '', stream };
      resolved = true;
      resolve(form);
    });

    request.on('close', () => {
      if (!request.complete) parser.destroy(new ClientGone());
    });
    request.pipe(parser);
  });
}
