/**
 * Everything needed to POST one file to storage, whichever sign-response shape it came from.
 * `fields` keeps the order the sign response gave: S3 reads the form in order.
 */
export interface UploadPlan {
  url: string;
  method: 'POST';
  fields: ReadonlyArray<readonly [name: string, value: string]>;
  /** Form field name of the file, sent last. */
  fileField: string;
  /** Object key as signed; may end in `/` or hold `${filename}`. Empty when storage names files itself. */
  key: string;
  fileId?: string | number;
  /** When the signature stops being valid, in epoch milliseconds. */
  expires?: number;
}

/** What storage said after it stored the bytes. */
export interface StorageReceipt {
  /** The object key storage stored. */
  key: string;
  location?: string;
  etag?: string;
  bucket?: string;
}
