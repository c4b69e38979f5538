/** An ETag without the quotes S3 puts around it: the element reports and compares it bare. */
export function unquoteEtag(etag: string): string {
  return etag.replace(/^"(.*)"$/, '$1');
}
