import type { RequestedPart } from './multipart-store.js';
import { S3Error } from './s3-error.js';

export function malformedXml(): S3Error {
  return new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name] ?? whole;
  });
}

/** The one `<name>` child's text of an element's content, or undefined when there is not exactly one. */
function onlyChild(content: string, name: string): string | undefined {
  const matches = [...content.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))];
  return matches.length === 1 ? decodeText(matches[0]![1]!) : undefined;
}

/**
 * Reads a CompleteMultipartUpload body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>
 * <ETag>"..."</ETag></Part>...`. S3's schema is flat, so a strict pattern reader is enough; other
 * children of a Part (the SDK's ChecksumCRC32...) are allowed and ignored. Anything else is MalformedXML.
 */
export function parseCompleteMultipartUpload(xml: string): RequestedPart[] {
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?<CompleteMultipartUpload(?:\s[^>]*)?>([\s\S]*)<\/CompleteMultipartUpload>\s*$/.exec(xml);
  if (!root) throw malformedXml();
  const parts: RequestedPart[] = [];
  const rest = root[1]!.replace(/<Part>([\s\S]*?)<\/Part>/g, (_whole, content: string) => {
    const number = onlyChild(content, 'PartNumber')?.trim();
    const etag = onlyChild(content, 'ETag')?.trim();
    if (number === undefined || etag === undefined || !/^\d{1,9}$/.test(number)) throw malformedXml();
    parts.push({ partNumber: Number(number), etag });
    return '';
  });
  if (rest.trim() !== '' || parts.length === 0) throw malformedXml();
  return parts;
}
