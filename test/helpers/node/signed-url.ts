/** X-Amz-Date plus X-Amz-Expires of a SigV4 presigned URL: when S3 stops taking it. */
export function signedExpiry(url: URL): number {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(url.searchParams.get('X-Amz-Date')!)!.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) + Number(url.searchParams.get('X-Amz-Expires')) * 1000;
}
