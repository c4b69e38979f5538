import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { parseExpiry, toUploadPlan } from '../../src/backend/sign-response.js';
import { UploadError } from '../../src/engine/upload-error.js';
import type { PostPlan, UploadPlan } from '../../src/engine/upload-plan.js';

// Property-based: whatever a sign endpoint answers, toUploadPlan returns a usable plan or fails
// with the one documented error, and well-formed answers of the three shapes always map faithfully.

const RUNS = { numRuns: 200 };

type Json = Record<string, unknown>;

/** Runs toUploadPlan; a throw that is not the documented sign error fails the property. */
function outcome(data: unknown): UploadPlan | UploadError {
  try {
    return toUploadPlan(data);
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(UploadError);
    const failure = error as UploadError;
    expect(failure.stage).to.equal('sign');
    expect(failure.code).to.equal('InvalidSignResponse');
    expect(failure.message).to.match(/^sign response: \S/);
    return failure;
  }
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The field object of the input that the plan's fields must come from, in the same order. */
function sourceFields(data: Json): Array<[string, string]> {
  if ('success' in data) return entries((data.value as Json).fields ?? {});
  if ('formAttributes' in data || 'formInputs' in data) {
    const inputs = entries(data.formInputs as Json);
    const prefix = (data.formAttributes as Json).key;
    return inputs.some(([name]) => name.toLowerCase() === 'key') || prefix === undefined ? inputs : [...inputs, ['key', String(prefix)]];
  }
  return entries(data.fields as Json);
}

function entries(fields: object): Array<[string, string]> {
  return Object.entries(fields).map(([name, value]) => [name, String(value)]);
}

/** The plan invariants every successful parse must keep, whatever the input. */
function expectPlanInvariants(plan: UploadPlan, data: unknown): void {
  expect(['http:', 'https:']).to.include(new URL(plan.url).protocol);
  if (plan.fileId !== undefined) expect(['string', 'number']).to.include(typeof plan.fileId);
  if (plan.expires !== undefined) expect(Number.isFinite(plan.expires), `expires ${plan.expires}`).to.equal(true);
  expect(isObject(data)).to.equal(true);
  if (plan.method === 'PUT') {
    for (const header of plan.headers) expect(header.map((part) => typeof part)).to.deep.equal(['string', 'string']);
    return;
  }
  expect(plan.method).to.equal('POST');
  expect(plan.fields).to.be.an('array');
  for (const field of plan.fields) {
    expect(field).to.have.length(2);
    expect(field[0]).to.be.a('string');
    expect(field[1]).to.be.a('string');
  }
  expect(plan.fileField).to.be.a('string').and.not.equal('');
  expect(plan.key).to.equal(plan.fields.find(([name]) => name.toLowerCase() === 'key')?.[1] ?? '');
  expect(plan.fields).to.deep.equal(sourceFields(data as Json));
}

function check(data: unknown): UploadPlan | UploadError {
  const result = outcome(data);
  if (!(result instanceof UploadError)) expectPlanInvariants(result, data);
  return result;
}

const ABSENT = Symbol('absent');

/** Mostly the valid value; sometimes anything at all, sometimes dropped. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> {
  return fc.oneof(
    { weight: 16, arbitrary: valid },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: fc.constant(ABSENT) },
  );
}

/** An object from a record of property arbitraries whose value may be ABSENT (then left out). */
function objectOf(shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Json> {
  return fc.record(shape).map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ABSENT)));
}

const fieldName = fc.oneof(
  fc.string().filter((name) => name !== '__proto__'),
  fc.constantFrom('key', 'Key', 'KEY', 'Policy', 'X-Amz-Signature', 'acl', '0', '17', 'success_action_status'),
);
const finiteNumber = fc.double({ noNaN: true, noDefaultInfinity: true });
const fieldValue = fc.oneof(fc.string(), finiteNumber, fc.integer(), fc.boolean());
const fieldValueMutated = fc.oneof({ weight: 30, arbitrary: fieldValue }, { weight: 1, arbitrary: fc.anything() });

/** A field object (names unique, as in JSON) with a key field somewhere when `withKey`. */
function fieldsArb(value: fc.Arbitrary<unknown>, withKey: boolean): fc.Arbitrary<Json> {
  const list = fc.uniqueArray(fc.tuple(fieldName, value), { selector: ([name]) => name, maxLength: 8 });
  if (!withKey) return list.map((pairs) => Object.fromEntries(pairs));
  return fc
    .tuple(list, fc.constantFrom('key', 'Key', 'KEY'), fc.string(), fc.nat())
    .map(([pairs, name, key, at]) => {
      const rest = pairs.filter(([other]) => other !== name);
      rest.splice(at % (rest.length + 1), 0, [name, key]);
      return Object.fromEntries(rest);
    });
}

const httpUrl = fc.webUrl({ validSchemes: ['http', 'https'] });
const anyUrl = fc.oneof(
  { weight: 8, arbitrary: httpUrl },
  fc.string(),
  fc.constantFrom('', '/upload', 'bucket/key', '//cdn.test/b', 'javascript:alert(1)', 'data:,x', 'file:///etc/passwd', 'ftp://s.test/', 'http://[', 'https://'),
);

/** An expiry as a backend might write it, with the epoch milliseconds it stands for. */
const expiry: fc.Arbitrary<{ raw: string | number; ms: number }> = fc
  .tuple(fc.date({ min: new Date(Date.UTC(1971, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true }), fc.nat(5))
  .map(([date, style]) => {
    const t = date.getTime();
    const seconds = Math.floor(t / 1000);
    const iso = date.toISOString();
    switch (style) {
      case 0:
        return { raw: seconds, ms: seconds * 1000 };
      case 1:
        return { raw: String(seconds), ms: seconds * 1000 };
      case 2:
        // Thirteen-digit numbers are milliseconds already.
        return t >= 1e12 ? { raw: t, ms: t } : { raw: seconds, ms: seconds * 1000 };
      case 3:
        return { raw: iso, ms: t };
      case 4:
        return { raw: iso.slice(0, 19).replace('T', ' '), ms: seconds * 1000 };
      default:
        return { raw: iso.slice(0, 16).replace('T', ' '), ms: Math.floor(t / 60_000) * 60_000 };
    }
  });
const anyExpiry = fc.oneof(
  { weight: 6, arbitrary: expiry.map(({ raw }) => raw) },
  fc.string(),
  fc.double(),
  fc.constantFrom('', 'never', '2020-13-45 99:99', '0', '-1', '1e400'),
);
const id = fc.oneof(fc.string(), fc.integer());

// Near-valid answers of each shape: every property may be kept, retyped to anything, or dropped.
const nearAws = objectOf({
  url: mostly(anyUrl),
  fields: mostly(fieldsArb(fieldValueMutated, true)),
  fileFieldName: mostly(fc.string()),
  fileId: mostly(id),
  expires: mostly(anyExpiry),
});
const nearForm = objectOf({
  formAttributes: mostly(
    objectOf({
      action: mostly(anyUrl),
      method: mostly(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('POST', 'post', 'Post') }, fc.constantFrom('GET', 'PUT', ''))),
      enctype: mostly(fc.constant('multipart/form-data')),
      key: mostly(fc.constantFrom('uploads/', 'a/b/', '')),
    }),
  ),
  formInputs: mostly(fieldsArb(fieldValueMutated, false)),
  person_id: mostly(fc.string()),
});
const nearEnvelope = objectOf({
  success: mostly(fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, fc.constantFrom(false, 'true', 1))),
  value: mostly(
    objectOf({
      file_id: mostly(id),
      url: mostly(anyUrl),
      expires: mostly(anyExpiry),
      file_field_name: mostly(fc.string()),
      fields: mostly(fieldsArb(fieldValueMutated, false)),
    }),
  ),
  status: mostly(fc.record({ code: fc.string(), description: fc.string() })),
});

/** Top-level properties no shape reads, and that do not change which shape is detected. */
const extras = fc.dictionary(
  fc.string().filter((name) => !['success', 'formAttributes', 'formInputs', '__proto__'].includes(name)),
  fc.jsonValue(),
  { maxKeys: 3 },
);

describe('toUploadPlan (properties)', () => {
  it('returns a valid plan or throws the documented sign error for anything at all', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withDate: true }), (data) => {
        check(data);
      }),
      { numRuns: 300 },
    );
  });

  it('returns a valid plan or throws the documented sign error for any JSON text', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const data: unknown = JSON.parse(text);
        check(data);
      }),
      { numRuns: 300 },
    );
  });

  it('returns a valid plan or throws the documented sign error for answers near each shape', () => {
    fc.assert(
      fc.property(fc.oneof(nearAws, nearForm, nearEnvelope), (data) => {
        check(data);
      }),
      { numRuns: 500 },
    );
  });

  it('says what is missing when a required property is dropped', () => {
    const cases = fc.oneof(
      fc.record({ fields: fieldsArb(fieldValue, true) }).map((data) => ({ data: data as Json, missing: 'url' })),
      fc.record({ url: httpUrl }).map((data) => ({ data: data as Json, missing: 'fields' })),
      fc.record({ url: httpUrl, fields: fieldsArb(fieldValue, false) })
        .filter(({ fields }) => !Object.keys(fields).some((name) => name.toLowerCase() === 'key'))
        .map((data) => ({ data: data as Json, missing: 'fields.key' })),
      fc.record({ success: fc.constant(true), value: fc.record({ file_id: id }) }).map((data) => ({ data: data as Json, missing: 'value.url' })),
      fc.record({ formInputs: fieldsArb(fieldValue, false) }).map((data) => ({ data: data as Json, missing: 'formAttributes' })),
    );
    fc.assert(
      fc.property(cases, ({ data, missing }) => {
        const result = outcome(data);
        expect(result).to.be.instanceOf(UploadError);
        expect((result as UploadError).message).to.equal(`sign response: missing "${missing}"`);
      }),
      RUNS,
    );
  });

  it('maps every valid AWS createPresignedPost answer, keeping field order and values', () => {
    const answer = fc.record(
      {
        url: httpUrl,
        fields: fieldsArb(fieldValue, true),
        fileFieldName: fc.string(),
        fileId: id,
        expires: expiry,
      },
      { requiredKeys: ['url', 'fields'] },
    );
    fc.assert(
      fc.property(answer, extras, ({ url, fields, fileFieldName, fileId, expires }, extra) => {
        const data: Json = { ...extra, url, fields };
        if (fileFieldName !== undefined) data.fileFieldName = fileFieldName;
        if (fileId !== undefined) data.fileId = fileId;
        if (expires !== undefined) data.expires = expires.raw;
        const plan = toUploadPlan(data);
        const expected = entries(fields);
        expect(plan).to.deep.equal({
          url: new URL(url).href,
          method: 'POST',
          fields: expected,
          fileField: fileFieldName || 'file',
          key: expected.find(([name]) => name.toLowerCase() === 'key')![1],
          fileId,
          expires: expires?.ms,
        });
      }),
      RUNS,
    );
  });

  it('maps every valid form description, adding the prefix as the key only when the inputs lack one', () => {
    const answer = fc.record({
      action: httpUrl,
      method: fc.option(fc.constantFrom('POST', 'post', 'Post'), { nil: undefined }),
      enctype: fc.option(fc.constant('multipart/form-data'), { nil: undefined }),
      prefix: fc.option(fc.string(), { nil: undefined }),
      inputs: fc.oneof(fieldsArb(fieldValue, true), fieldsArb(fieldValue, false)),
    });
    fc.assert(
      fc.property(answer, extras, ({ action, method, enctype, prefix, inputs }, extra) => {
        const formAttributes: Json = { action };
        if (method !== undefined) formAttributes.method = method;
        if (enctype !== undefined) formAttributes.enctype = enctype;
        if (prefix !== undefined) formAttributes.key = prefix;
        const plan = toUploadPlan({ ...extra, formAttributes, formInputs: inputs });
        const given = entries(inputs);
        const inputKey = given.find(([name]) => name.toLowerCase() === 'key');
        const expected = inputKey || prefix === undefined ? given : [...given, ['key', prefix]];
        expect(plan).to.deep.equal({
          url: new URL(action).href,
          method: 'POST',
          fields: expected,
          fileField: 'file',
          key: inputKey?.[1] ?? prefix ?? '',
          fileId: undefined,
          expires: undefined,
        });
      }),
      RUNS,
    );
  });

  it('refuses a form description whose method is not POST', () => {
    const method = fc.string().filter((m) => m !== '' && m.toUpperCase() !== 'POST');
    fc.assert(
      fc.property(httpUrl, method, fieldsArb(fieldValue, true), (action, m, inputs) => {
        const result = outcome({ formAttributes: { action, method: m }, formInputs: inputs });
        expect(result).to.be.instanceOf(UploadError);
        expect((result as UploadError).message).to.equal(`sign response: "formAttributes.method" must be POST, not ${m}`);
      }),
      RUNS,
    );
  });

  it('maps every valid success envelope, keeping field order and values', () => {
    const value = fc.record(
      {
        file_id: id,
        url: httpUrl,
        expires: expiry,
        file_field_name: fc.string(),
        fields: fc.oneof(fieldsArb(fieldValue, true), fieldsArb(fieldValue, false)),
      },
      { requiredKeys: ['url'] },
    );
    fc.assert(
      fc.property(value, extras, (v, extra) => {
        const plan = toUploadPlan({ ...extra, success: true, value: { ...v, expires: v.expires?.raw } });
        const expected = entries(v.fields ?? {});
        expect(plan).to.deep.equal({
          url: new URL(v.url).href,
          method: 'POST',
          fields: expected,
          fileField: v.file_field_name || 'file',
          key: expected.find(([name]) => name.toLowerCase() === 'key')?.[1] ?? '',
          fileId: v.file_id,
          expires: v.expires?.ms,
        });
      }),
      RUNS,
    );
  });

  it('refuses every URL that is not http(s), naming the url property', () => {
    const scheme = fc.constantFrom('javascript', 'data', 'file', 'ftp', 'blob', 'about', 'mailto', 'ws');
    fc.assert(
      fc.property(scheme, fc.webPath(), fieldsArb(fieldValue, true), (s, path, fields) => {
        const result = outcome({ url: `${s}:${path || 'x'}`, fields });
        expect(result).to.be.instanceOf(UploadError);
        expect((result as UploadError).message).to.match(/^sign response: "url" (must be an http\(s\) URL|is not a valid URL)/);
      }),
      RUNS,
    );
  });

  // zod's record parser rebuilds objects key by key, which would drop an own "__proto__" field.
  it('keeps a field named "__proto__"', () => {
    const data: unknown = JSON.parse('{"url":"https://s.test/b","fields":{"__proto__":"x","key":"k"}}');
    expect((toUploadPlan(data) as PostPlan).fields).to.deep.equal([['__proto__', 'x'], ['key', 'k']]);
  });

  it('ignores an expiry that overflows a number', () => {
    expect(toUploadPlan({ url: 'https://s.test/b', fields: { key: 'k' }, expires: '9'.repeat(309) }).expires).to.equal(undefined);
    expect(toUploadPlan({ url: 'https://s.test/b', fields: { key: 'k' }, expires: -1e306 }).expires).to.equal(undefined);
  });

  it('words type errors without a doubled article', () => {
    fc.assert(
      fc.property(fc.constantFrom('fileId', 'expires'), fc.constantFrom(null, {}, [], true), (name, bad) => {
        const result = outcome({ url: 'https://s.test/b', fields: { key: 'k' }, [name]: bad });
        expect((result as UploadError).message).not.to.match(/\ba a\b/);
      }),
    );
  });
});

describe('parseExpiry (properties)', () => {
  it('maps every written form of a date to its epoch milliseconds', () => {
    fc.assert(
      fc.property(expiry, ({ raw, ms }) => {
        expect(parseExpiry(raw)).to.equal(ms);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on any string, and returns undefined or a finite number', () => {
    const text = fc.oneof(fc.string(), fc.stringMatching(/^\d{1,30}$/), fc.stringMatching(/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?Z?$/));
    fc.assert(
      fc.property(text, (value) => {
        const result = parseExpiry(value);
        if (result !== undefined) expect(Number.isFinite(result), `${value} -> ${result}`).to.equal(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on any finite number, and returns undefined or a finite number', () => {
    fc.assert(
      fc.property(finiteNumber, (value) => {
        const result = parseExpiry(value);
        if (result !== undefined) expect(Number.isFinite(result)).to.equal(true);
      }),
      RUNS,
    );
  });

  it('returns undefined or a finite number for any number or string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.string(), fc.stringMatching(/^\d{300,320}$/)), (value) => {
        const result = parseExpiry(value);
        if (result !== undefined) expect(Number.isFinite(result), `${value} -> ${result}`).to.equal(true);
      }),
    );
  });
});
