import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { parsePostResponse, parseS3Error, unquoteEtag } from '../../src/engine/s3-xml.js';

// Property-based: whatever a storage server answers, the S3 XML readers never throw, and they
// recover the exact values of every well-formed S3 answer, however it is escaped and spaced.

const RUNS = { numRuns: 200 };

/** How a writer escapes text: the five named entities, decimal or hex references, or the minimum. */
type Escaping = 'named' | 'decimal' | 'hex' | 'minimal' | 'ascii';

function escapeXml(text: string, escaping: Escaping): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const special = '&<>"\''.includes(char);
    if (escaping === 'ascii' && (special || code > 0x7e)) out += `&#x${code.toString(16).toUpperCase()};`;
    else if (!special) out += char;
    else if (escaping === 'decimal') out += `&#${code};`;
    else if (escaping === 'hex') out += `&#x${code.toString(16)};`;
    else if (escaping === 'minimal') out += char === '&' ? '&amp;' : char === '<' ? '&lt;' : char;
    else out += { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }[char];
  }
  return out;
}

const escaping = fc.constantFrom<Escaping>('named', 'decimal', 'hex', 'minimal', 'ascii');
/** Whitespace an XML writer may put between elements. */
const gap = fc.stringMatching(/^[ \t\r\n]{0,4}$/);
const declaration = fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?>\n');

/** Text as it appears in S3's elements: anything, with the markup characters well represented. */
const rawText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('&', '<', '>', '"', "'", ';', '#', 'x', 'a', 'amp', 'lt', '&amp;', '&#60;', '</Code>', '<Message>', ' ', '\n') }),
);
// The readers trim element text (S3 never pads values), so values are generated already trimmed.
const text = rawText.filter((value) => value === value.trim());
const nonEmptyText = text.filter((value) => value !== '');

interface Element {
  name: string;
  value: string | undefined;
}

/** Writes elements (an undefined value is left out, '' may be written empty or self-closed). */
function writeElements(elements: readonly Element[], style: Escaping, gaps: readonly string[], selfClose: boolean): string {
  return elements
    .map(({ name, value }, i) => {
      if (value === undefined) return '';
      const element = value === '' && selfClose ? `<${name}/>` : `<${name}>${escapeXml(value, style)}</${name}>`;
      return `${gaps[i % gaps.length] ?? ''}${element}`;
    })
    .join('');
}

const s3ErrorDocument = fc
  .record({
    code: nonEmptyText,
    message: fc.option(text, { nil: undefined }),
    others: fc.array(fc.tuple(fc.constantFrom('RequestId', 'HostId', 'Resource', 'BucketName', 'Key', 'Condition'), text), { maxLength: 4 }),
    codeAt: fc.nat(),
    style: escaping,
    gaps: fc.array(gap, { minLength: 1, maxLength: 6 }),
    selfClose: fc.boolean(),
    head: declaration,
    namespace: fc.boolean(),
  })
  .map(({ code, message, others, codeAt, style, gaps, selfClose, head, namespace }) => {
    const elements: Element[] = others.map(([name, value]) => ({ name, value }));
    // S3 writes Code first; other servers need not, so the position is random.
    elements.splice(codeAt % (elements.length + 1), 0, { name: 'Code', value: code });
    elements.push({ name: 'Message', value: message });
    const open = namespace ? '<Error xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' : '<Error>';
    const xml = `${head}${open}${writeElements(elements, style, gaps, selfClose)}${gaps[0]}</Error>${gaps.at(-1)}`;
    return { xml, code, message: message ?? '' };
  });

const etag = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.stringMatching(/^[0-9a-f]{32}-[1-9]\d{0,3}$/),
  // ETags are single-line; a bare one that starts and ends with a quote would read as quoted.
  text.filter((value) => value !== '' && !/[\n\r\u2028\u2029]/.test(value) && !/^".*"$/.test(value)),
);

const postResponseDocument = fc
  .record({
    location: fc.option(fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), text), { nil: undefined }),
    bucket: fc.option(text, { nil: undefined }),
    key: fc.option(text, { nil: undefined }),
    etag: fc.option(etag, { nil: undefined }),
    quoted: fc.boolean(),
    order: fc.shuffledSubarray(['Location', 'Bucket', 'Key', 'ETag'], { minLength: 4 }),
    style: escaping,
    gaps: fc.array(gap, { minLength: 1, maxLength: 6 }),
    selfClose: fc.boolean(),
    head: declaration,
  })
  .map(({ location, bucket, key, etag, quoted, order, style, gaps, selfClose, head }) => {
    const values: Record<string, string | undefined> = {
      Location: location,
      Bucket: bucket,
      Key: key,
      ETag: etag === undefined ? undefined : quoted ? `"${etag}"` : etag,
    };
    const body = writeElements(order.map((name) => ({ name, value: values[name] })), style, gaps, selfClose);
    const xml = `${head}<PostResponse>${body}${gaps[0]}</PostResponse>`;
    // An element written self-closed carries no text: the reader reports it absent.
    const read = (value: string | undefined) => (value === '' && selfClose ? undefined : value);
    return { xml, expected: { location: read(location), bucket: read(bucket), key: read(key), etag } };
  });

/** Tag soup: S3's element names, entities (valid, out of range, surrogates) and stray markup. */
const xmlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<Error>', '</Error>', '<Error ', '<Code>', '</Code>', '<Code/>', '<Message>', '</Message>',
        '<PostResponse>', '</PostResponse>', '<Location>', '</Location>', '<Bucket>', '</Bucket>',
        '<Key>', '</Key>', '<ETag>', '</ETag>', '"', '&amp;', '&AMP;', '&lt;', '&#60;', '&#x3C;', '&#X3c;',
        '&#0;', '&#xD800;', '&#x10FFFF;', '&#x110000;', '&#99999999999999999999;', '&#xFFFFFFFFFFFFFFFFFFFF;',
        '&;', '&#;', '&#x;', '&', '<![CDATA[', ']]>', '<?xml version="1.0"?>', '<!-- -->', ' ', '\n',
      ),
      fc.string(),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));
const anyBody = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), xmlish);

function expectStringOrUndefined(value: unknown): void {
  if (value !== undefined) expect(value).to.be.a('string');
}

describe('parseS3Error (properties)', () => {
  it('never throws, and returns undefined or a non-empty code and a message', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        const error = parseS3Error(body);
        if (error === undefined) return;
        expect(Object.keys(error).sort()).to.deep.equal(['code', 'message']);
        expect(error.code).to.be.a('string').and.not.equal('');
        expect(error.message).to.be.a('string');
      }),
      { numRuns: 500 },
    );
  });

  it('recovers the exact code and message of every well-formed S3 error', () => {
    fc.assert(
      fc.property(s3ErrorDocument, ({ xml, code, message }) => {
        expect(parseS3Error(xml)).to.deep.equal({ code, message });
      }),
      { numRuns: 300 },
    );
  });

  it('does not take a PostResponse for an error', () => {
    fc.assert(
      fc.property(postResponseDocument, ({ xml }) => {
        expect(parseS3Error(xml)).to.equal(undefined);
      }),
      RUNS,
    );
  });

  it('returns undefined for any body without an <Error> element', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        fc.pre(!/<Error[\s>]/.test(body));
        expect(parseS3Error(body)).to.equal(undefined);
      }),
      RUNS,
    );
  });
});

describe('parsePostResponse (properties)', () => {
  it('never throws, and returns undefined or the four fields as strings or undefined', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        const receipt = parsePostResponse(body);
        if (receipt === undefined) return;
        expect(Object.keys(receipt).sort()).to.deep.equal(['bucket', 'etag', 'key', 'location']);
        Object.values(receipt).forEach(expectStringOrUndefined);
      }),
      { numRuns: 500 },
    );
  });

  it('recovers the exact location, bucket, key and bare ETag of every well-formed PostResponse', () => {
    fc.assert(
      fc.property(postResponseDocument, ({ xml, expected }) => {
        expect(parsePostResponse(xml)).to.deep.equal(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('does not take an S3 error for a PostResponse', () => {
    fc.assert(
      fc.property(s3ErrorDocument, ({ xml }) => {
        expect(parsePostResponse(xml)).to.equal(undefined);
      }),
      RUNS,
    );
  });
});

describe('unquoteEtag (properties)', () => {
  it('strips exactly one pair of surrounding quotes from a single-line ETag', () => {
    fc.assert(
      fc.property(fc.string().filter((value) => !/[\n\r\u2028\u2029]/.test(value)), (value) => {
        expect(unquoteEtag(`"${value}"`)).to.equal(value);
      }),
      RUNS,
    );
  });

  it('leaves an ETag that is not quoted as it is, and reports nothing for an empty one', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constant(null), fc.constant(undefined)), (value) => {
        const result = unquoteEtag(value);
        if (!value) expect(result).to.equal(undefined);
        else if (!/^".*"$/.test(value)) expect(result).to.equal(value);
        else expect(result).to.equal(value.slice(1, -1));
      }),
      RUNS,
    );
  });
});
