import type { StorageReceipt } from './upload-plan.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

// S3's answers are small and flat: a tag lookup beats shipping an XML parser, and works without a DOM.
function tag(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? decodeXml(match[1]!.trim()) : undefined;
}

/** ETags are quoted by AWS and bare on some S3 servers (Ceph): report them bare everywhere. */
export function unquoteEtag(etag: string | undefined | null): string | undefined {
  return etag ? etag.replace(/^"(.*)"$/, '$1') : undefined;
}

/** S3's `<Error><Code>…</Code><Message>…</Message></Error>`, or undefined when the body is not one. */
export function parseS3Error(body: string): { code: string; message: string } | undefined {
  if (!/<Error[\s>]/.test(body)) return undefined;
  const code = tag(body, 'Code');
  if (!code) return undefined;
  return { code, message: tag(body, 'Message') ?? '' };
}

/** S3's 201 `<PostResponse>` (Location, Bucket, Key, ETag), or undefined when the body is not one. */
export function parsePostResponse(body: string): Partial<StorageReceipt> | undefined {
  if (!/<PostResponse[\s>]/.test(body)) return undefined;
  return {
    location: tag(body, 'Location'),
    bucket: tag(body, 'Bucket'),
    key: tag(body, 'Key'),
    etag: unquoteEtag(tag(body, 'ETag')),
  };
}
