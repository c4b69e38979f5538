import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { fillTemplate, parseBodyTemplate, type TemplateValues } from '../../src/backend/body-template.js';
import { UploadError } from '../../src/engine/upload-error.js';

// Property-based: any sign-body / register-body text either parses as JSON.parse would or is the
// stage's InvalidTemplate error, and filling a parsed template never throws and substitutes exactly once.

const RUNS = { numRuns: 200 };

const KNOWN = ['name', 'type', 'size', 'lastModified', 'key', 'fileId', 'location', 'etag', 'bucket'];
/** Names an object has without owning them: they must never be taken for placeholder values. */
const INHERITED = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];

const stage = fc.constantFrom<'sign' | 'register'>('sign', 'register');

/** A JSON text with one character inserted, deleted or replaced: mostly invalid, sometimes not. */
const mangledJson = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('', '{', '}', '[', ']', '"', ',', ':', '\\', 'x', ' ', '\u0000'), fc.boolean()).map(
  ([json, at, char, replace]) => {
    const i = at % (json.length + 1);
    return json.slice(0, i) + char + json.slice(replace ? i + 1 : i);
  },
);
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.json(),
  mangledJson,
  fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '1', 'true', 'null', ' ', '"{name}"') }),
);

/** A file value: text, a finite number (sizes and dates are), or missing. */
const value = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(undefined));
/** What the template may be filled with: typed file values, missing ones, and unrelated names. */
const values: fc.Arbitrary<TemplateValues> = fc.dictionary(
  fc.oneof(fc.constantFrom(...KNOWN), fc.stringMatching(/^\w{1,6}$/), fc.string()),
  value,
  { maxKeys: 8 },
);

/** A name between braces: known, other word names, inherited names, and names that are not \w+. */
const placeholderName = fc.oneof(
  fc.constantFrom(...KNOWN, ...INHERITED),
  fc.stringMatching(/^\w{1,6}$/),
  fc.constantFrom('', ' name', 'na-me', 'file.name', 'é'),
);
const literal = fc.string().map((value) => value.replace(/[{}]/g, ''));
type Token = { literal: string } | { placeholder: string };
const token: fc.Arbitrary<Token> = fc.oneof(
  literal.map((value) => ({ literal: value })),
  placeholderName.map((name) => ({ placeholder: name })),
);
const tokens = fc.array(token, { maxLength: 6 });
const join = (list: readonly Token[]) => list.map((t) => ('literal' in t ? t.literal : `{${t.placeholder}}`)).join('');

/** Template strings: exact placeholders, placeholders among text, and stray braces. */
const templateString = fc.oneof(
  placeholderName.map((name) => `{${name}}`),
  tokens.map(join),
  fc.string({ unit: fc.constantFrom('{', '}', '{{', '}}', '{name}', '{size}', 'a', ' ', '$') }),
);

/** JSON templates whose strings are template strings (object names too: they must stay as written). */
const template = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    templateString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(templateString, fc.string()), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** JSON values only: no undefined, NaN, Infinity, functions or class instances anywhere. */
function isJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value).every(isJson);
}

/** Does any string (not object name) of the template hold a {word} placeholder? */
function hasPlaceholder(value: unknown): boolean {
  if (typeof value === 'string') return /\{\w+\}/.test(value);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasPlaceholder);
  return false;
}

const has = (record: TemplateValues, name: string) => Object.hasOwn(record, name);

describe('parseBodyTemplate (properties)', () => {
  it('returns what JSON.parse returns, or throws the stage\'s InvalidTemplate error and nothing else', () => {
    fc.assert(
      fc.property(anyText, stage, (json, s) => {
        let expected: unknown;
        let valid = true;
        try {
          expected = JSON.parse(json);
        } catch {
          valid = false;
        }
        try {
          const parsed = parseBodyTemplate(json, s);
          expect(valid, 'parsed text that JSON.parse refuses').to.equal(true);
          expect(parsed).to.deep.equal(expected);
        } catch (error) {
          expect(error, String(error)).to.be.instanceOf(UploadError);
          const failure = error as UploadError;
          expect(valid, 'refused valid JSON').to.equal(false);
          expect(failure.stage).to.equal(s);
          expect(failure.code).to.equal('InvalidTemplate');
          expect(failure.message.startsWith(`The ${s}-body attribute is not valid JSON: `), failure.message).to.equal(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads back every JSON value it is given as text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), stage, (value, s) => {
        expect(JSON.stringify(parseBodyTemplate(JSON.stringify(value), s))).to.equal(JSON.stringify(value));
      }),
      RUNS,
    );
  });
});

describe('fillTemplate (properties)', () => {
  it('never throws and always yields plain JSON, for any JSON template and any values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), template), values, (t, v) => {
        const filled = fillTemplate(t, v);
        expect(isJson(filled), JSON.stringify(filled)).to.equal(true);
      }),
      { numRuns: 300 },
    );
  });

  it('returns a template without placeholders deep-equal, whatever the values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), template), values, (t, v) => {
        fc.pre(!hasPlaceholder(t));
        expect(fillTemplate(t, v)).to.deep.equal(t);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves placeholders of names the values do not own as written, even inherited ones', () => {
    // Names that are not \w+ can never be a placeholder; {} owns nothing, but inherits toString & co.
    const unrelated = fc.oneof(fc.constant({}), fc.dictionary(fc.string().filter((name) => !/^\w+$/.test(name)), value));
    fc.assert(
      fc.property(template, unrelated, (t, v) => {
        expect(fillTemplate(t, v)).to.deep.equal(t);
      }),
      RUNS,
    );
  });

  it('keeps the shape: same object names in the same order, same array lengths, non-strings untouched', () => {
    function expectSameShape(before: unknown, after: unknown): void {
      if (typeof before === 'string') return;
      if (Array.isArray(before)) {
        expect(after).to.be.an('array').with.length(before.length);
        before.forEach((item, i) => expectSameShape(item, (after as unknown[])[i]));
      } else if (before !== null && typeof before === 'object') {
        expect(Object.keys(after as object)).to.deep.equal(Object.keys(before));
        for (const [name, item] of Object.entries(before)) expectSameShape(item, (after as Record<string, unknown>)[name]);
      } else {
        expect(after).to.equal(before);
      }
    }
    fc.assert(
      fc.property(template, values, (t, v) => expectSameShape(t, fillTemplate(t, v))),
      RUNS,
    );
  });

  it('replaces a string that is exactly a known placeholder by the typed value (null when missing)', () => {
    fc.assert(
      fc.property(values, fc.constantFrom(...KNOWN), value, (others, name, typed) => {
        const v = { ...others, [name]: typed };
        const expected = typed ?? null;
        expect(fillTemplate(`{${name}}`, v)).to.equal(expected);
        expect(fillTemplate({ [`{${name}}`]: [`{${name}}`] }, v)).to.deep.equal({ [`{${name}}`]: [expected] });
      }),
      RUNS,
    );
  });

  it('interpolates placeholders in one pass: a value is never itself filled', () => {
    // The model: each {word} the values own becomes its value as text ('' when missing); all else stays.
    const model = (list: readonly Token[], v: TemplateValues) =>
      list
        .map((t) => {
          if ('literal' in t) return t.literal;
          return /^\w+$/.test(t.placeholder) && has(v, t.placeholder) ? String(v[t.placeholder] ?? '') : `{${t.placeholder}}`;
        })
        .join('');
    // Values that look like placeholders of other known names, to catch a second pass.
    const tricky = fc.dictionary(
      fc.constantFrom(...KNOWN),
      fc.oneof(fc.string(), fc.integer(), fc.constant(undefined), fc.constantFrom(...KNOWN).map((n) => `{${n}}`)),
    );
    fc.assert(
      fc.property(tokens, fc.oneof(values, tricky), (list, v) => {
        const text = join(list);
        const exact = /^\{(\w+)\}$/.exec(text);
        fc.pre(!(exact && has(v, exact[1]!)));
        expect(fillTemplate(text, v)).to.equal(model(list, v));
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent when no value holds a brace', () => {
    const braceless = values.map((v) =>
      Object.fromEntries(Object.entries(v).map(([name, value]) => [name, typeof value === 'string' ? value.replace(/[{}]/g, '') : value])),
    );
    // Strings made of brace-free text and whole placeholders: "{{name}}" would legitimately fill to "{x}".
    const simple = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        tokens.map(join),
        fc.integer(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(simple, braceless, (t, v) => {
        const once = fillTemplate(t, v);
        expect(fillTemplate(once, v)).to.deep.equal(once);
      }),
      RUNS,
    );
  });

  it('refuses a template nested deeper than 64 levels with the documented error, and fills one at the limit', () => {
    const nested = (depth: number) => '['.repeat(depth) + '"{name}"' + ']'.repeat(depth);
    for (const depth of [65, 20_000]) {
      let error: unknown;
      try {
        parseBodyTemplate(nested(depth), 'sign');
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(UploadError);
      expect((error as UploadError).code).to.equal('InvalidTemplate');
    }
    expect(() => fillTemplate(parseBodyTemplate(nested(64), 'sign'), { name: 'a' })).not.to.throw();
  });
});
