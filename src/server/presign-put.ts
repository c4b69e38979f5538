import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { AcceptedUpload } from './accepted-upload.js';
import { fallbackExpiry, presignCommand, urlExpiration } from './presign-command.js';
import type { ResolvedSignOptions } from './sign-options.js';

/** A sign answer for `method: 'PUT'`: the browser PUTs the raw file to `url` with exactly `headers`. */
export interface PresignedPut {
  url: string;
  method: 'PUT';
  /** The headers that were signed and that the browser must send as they are. */
  headers: { 'Content-Type': string };
  key: string;
  /** When the URL expires, ISO 8601. */
  expires: string;
}

/**
 * Signs a PUT of exactly the accepted file. A presigned PUT has no policy and so no
 * content-length-range: signing Content-Length (which the browser sets itself from the file) is
 * what keeps S3 from taking a larger body than the one announced and checked against maxSize.
 */
export async function presignPut(settings: ResolvedSignOptions, upload: AcceptedUpload): Promise<PresignedPut> {
  const command = new PutObjectCommand({
    Bucket: settings.bucket,
    Key: upload.key,
    ContentType: upload.contentType,
    ContentLength: upload.size,
  });
  const url = await presignCommand(settings.client, command, settings.expiresIn, ['content-type', 'content-length']);
  return {
    url,
    method: 'PUT',
    headers: { 'Content-Type': upload.contentType },
    key: upload.key,
    expires: urlExpiration(url) ?? fallbackExpiry(settings.expiresIn),
  };
}
