/** What every way of sending a file to storage has: where, under which key, until when. */
interface PlanBase {
  url: string;
  /** Object key as signed; may end in `/` or hold `${filename}` (POST only). Empty when storage names files itself. */
  key: string;
  fileId?: string | number;
  /** When the signature stops being valid, in epoch milliseconds. */
  expires?: number;
}

/**
 * A presigned POST: a form. `fields` keeps the order the sign response gave: S3 reads the form
 * in order.
 */
export interface PostPlan extends PlanBase {
  method: 'POST';
  fields: ReadonlyArray<readonly [name: string, value: string]>;
  /** Form field name of the file, sent last. */
  fileField: string;
}

/** A presigned PUT: the raw file as the body, with exactly the signed headers. */
export interface PutPlan extends PlanBase {
  method: 'PUT';
  headers: ReadonlyArray<readonly [name: string, value: string]>;
}

/** Everything needed to send one file to storage, whichever sign-response shape it came from. */
export type UploadPlan = PostPlan | PutPlan;

/** What storage said after it stored the bytes. */
export interface StorageReceipt {
  /** The object key storage stored. */
  key: string;
  location?: string;
  etag?: string;
  bucket?: string;
}
