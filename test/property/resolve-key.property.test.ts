import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { resolveKey } from '../../src/engine/resolve-key.js';
import type { UploadPlan } from '../../src/engine/upload-plan.js';

// Property-based: the key rules (a prefix ending in / gets the file name, ${filename} is sent as
// is and reported substituted) hold for any key and file name, and touch nothing but key fields.

const RUNS = { numRuns: 300 };
const VARIABLE = '${filename}';

/** A key as a backend writes it: text without `$`, ${filename} variables and slashes, maybe a prefix. */
const keyParts = fc.array(
  fc.oneof(fc.string().map((text) => text.replace(/\$/g, '')), fc.constant(VARIABLE), fc.constant('/')),
  { maxLength: 6 },
);
const fileName = fc.oneof(
  fc.string({ minLength: 1 }),
  fc.string({ unit: 'grapheme', minLength: 1 }),
  fc.constantFrom('a b.png', 'résumé.pdf', '$1.txt', '$&.txt', "$'.txt", '{filename}', '${filename}', 'a/b', 'a\\b.txt'),
);
const otherField = fc.tuple(
  fc.string().filter((name) => name.toLowerCase() !== 'key'),
  fc.string(),
);

/** A plan whose key fields (any case) carry the key, among other fields, in a random order. */
const planArb = fc
  .record({
    keyParts,
    prefix: fc.boolean(),
    others: fc.array(otherField, { maxLength: 5 }),
    keyNames: fc.array(fc.constantFrom('key', 'Key', 'KEY', 'kEy'), { maxLength: 2 }),
    at: fc.nat(),
    fileField: fc.constantFrom('file', 'upload'),
  })
  .map(({ keyParts, prefix, others, keyNames, at, fileField }) => {
    const parts = keyNames.length === 0 ? [] : prefix ? [...keyParts, '/'] : keyParts;
    const key = parts.join('');
    const fields: Array<readonly [string, string]> = [...others];
    for (const name of keyNames) fields.splice(at % (fields.length + 1), 0, [name, key]);
    const plan: UploadPlan = { url: 'https://s3.test/bucket', method: 'POST', fields, fileField, key };
    return { plan, parts };
  });

describe('resolveKey (properties)', () => {
  it('keeps every field, in order, and changes only key fields that end in /', () => {
    fc.assert(
      fc.property(planArb, fileName, ({ plan }, name) => {
        const before = structuredClone(plan);
        const { plan: resolved } = resolveKey(plan, name);
        expect(plan, 'the given plan is not changed').to.deep.equal(before);
        expect(resolved.fields.length).to.equal(plan.fields.length);
        resolved.fields.forEach(([fieldName, value], i) => {
          const [givenName, givenValue] = plan.fields[i]!;
          expect(fieldName).to.equal(givenName);
          const isPrefix = givenName.toLowerCase() === 'key' && givenValue.endsWith('/');
          expect(value).to.equal(isPrefix ? givenValue + name : givenValue);
        });
        const { fields: _resolved, key: _key, ...rest } = resolved;
        const { fields: _given, key: _givenKey, ...givenRest } = plan;
        expect(rest).to.deep.equal(givenRest);
      }),
      RUNS,
    );
  });

  it('appends exactly the file name to a key that ends in /, and to nothing else', () => {
    fc.assert(
      fc.property(planArb, fileName, ({ plan }, name) => {
        const { plan: resolved } = resolveKey(plan, name);
        expect(resolved.key).to.equal(plan.key.endsWith('/') ? plan.key + name : plan.key);
      }),
      RUNS,
    );
  });

  it('reports the key with each ${filename} replaced by the file name, once, like S3', () => {
    fc.assert(
      fc.property(planArb, fileName, ({ plan, parts }, name) => {
        const { key } = resolveKey(plan, name);
        // Literal parts hold no `$`, so the variables are exactly the VARIABLE parts; a name appended
        // to a prefix is sent in the field, so S3 substitutes a ${filename} inside it too.
        const prefix = plan.key.endsWith('/');
        const expected = parts.map((part) => (part === VARIABLE ? name : part)).join('') + (prefix ? name : '');
        if (!prefix || !name.includes(VARIABLE)) expect(key).to.equal(expected);
        // What S3 stores for the key field actually sent: one pass over it, the name taken literally.
        const sent = resolveKey(plan, name).plan.key;
        expect(key).to.equal(sent.replaceAll(VARIABLE, () => name));
      }),
      RUNS,
    );
  });

  it('never reports ${filename} when neither the key text nor the name could spell it', () => {
    const plainName = fileName.filter((name) => !/[${}]/.test(name));
    fc.assert(
      fc.property(planArb, plainName, ({ plan }, name) => {
        expect(resolveKey(plan, name).key).not.to.include(VARIABLE);
      }),
      RUNS,
    );
  });
});
