import { invalidPolicy, policyViolation } from './s3-error.js';

/** `{"field": "value"}` and `["eq", "$field", "value"]` are both `eq`; `field` keeps the policy's spelling. */
export interface FieldCondition {
  kind: 'field';
  op: 'eq' | 'starts-with';
  field: string;
  value: string;
}

export interface LengthCondition {
  kind: 'length';
  min: number;
  max: number;
}

export type PolicyCondition = FieldCondition | LengthCondition;

export interface PostPolicy {
  expiration: Date;
  conditions: PolicyCondition[];
}

/** What the policy is checked against: the form's fields as sent, and their values by lowercase name. */
export interface PolicyInput {
  /** Lowercase name -> value, after S3's own substitutions (`bucket` from the URL, `${filename}` in `key`). */
  values: ReadonlyMap<string, string>;
  /** Field names as the browser sent them, for the "Extra input fields" check. */
  sentNames: readonly string[];
}

// Fields S3 never asks the policy about: the file, the policy itself, its signature, and x-ignore-*.
const UNCOVERED_FIELDS = new Set(['file', 'policy', 'x-amz-signature']);

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Decodes and validates the `policy` field; a malformed document is S3's 400 InvalidPolicyDocument. */
export function parsePostPolicy(policyBase64: string): PostPolicy {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(policyBase64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = document as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw invalidPolicy('Policy missing expiration.');
  if (typeof expiration !== 'string' || !ISO_8601.test(expiration) || Number.isNaN(Date.parse(expiration))) {
    throw invalidPolicy(`Invalid 'expiration' value: '${String(expiration)}'`);
  }
  if (conditions === undefined) throw invalidPolicy('Policy missing conditions.');
  if (!Array.isArray(conditions)) throw invalidPolicy("Invalid 'conditions' value: must be a list.");
  return { expiration: new Date(expiration), conditions: conditions.flatMap(parseCondition) };
}

function parseCondition(condition: unknown): PolicyCondition[] {
  const invalid = () => invalidPolicy(`Invalid Condition: ${JSON.stringify(condition)}`);
  if (Array.isArray(condition)) {
    const [operation, first, second] = condition as unknown[];
    if (condition.length !== 3 || typeof operation !== 'string') throw invalid();
    const op = operation.toLowerCase();
    if (op === 'content-length-range') {
      const min = byteCount(first);
      const max = byteCount(second);
      if (min === undefined || max === undefined) throw invalid();
      return [{ kind: 'length', min, max }];
    }
    if ((op !== 'eq' && op !== 'starts-with') || typeof first !== 'string' || !first.startsWith('$') || typeof second !== 'string') {
      throw invalid();
    }
    return [{ kind: 'field', op, field: first.slice(1), value: second }];
  }
  if (typeof condition === 'object' && condition !== null) {
    const entries = Object.entries(condition);
    if (entries.length === 0) throw invalid();
    return entries.map(([field, value]) => {
      if (typeof value !== 'string' && typeof value !== 'number') throw invalid();
      return { kind: 'field', op: 'eq', field, value: String(value) };
    });
  }
  throw invalid();
}

/** A whole number of bytes, given as a JSON number or a numeric string. */
function byteCount(value: unknown): number | undefined {
  const count = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}

/**
 * Everything S3 checks before it reads the file: expiry, each field condition, and that every
 * sent field is covered by a condition. Throws S3's 403 AccessDenied for the first rule broken.
 */
export function checkPostPolicy(policy: PostPolicy, input: PolicyInput, now: Date): void {
  if (now.getTime() >= policy.expiration.getTime()) throw policyViolation('Policy expired.');
  const covered = new Set<string>();
  for (const condition of policy.conditions) {
    if (condition.kind !== 'field') continue;
    const name = condition.field.toLowerCase();
    covered.add(name);
    const value = input.values.get(name);
    const holds = value !== undefined && (condition.op === 'eq' ? value === condition.value : value.startsWith(condition.value));
    if (!holds) throw policyViolation(`Policy Condition failed: ${describe(condition)}`);
  }
  const extra = input.sentNames.filter((name) => {
    const lower = name.toLowerCase();
    return !UNCOVERED_FIELDS.has(lower) && !lower.startsWith('x-ignore-') && !covered.has(lower);
  });
  if (extra.length > 0) throw policyViolation(`Extra input fields: ${extra.join(', ')}`);
}

/** A condition as S3 prints it in errors: always the array form, `["eq", "$key", "value"]`. */
function describe(condition: FieldCondition): string {
  return `[${[condition.op, `$${condition.field}`, condition.value].map((part) => JSON.stringify(part)).join(', ')}]`;
}

/** The byte range every content-length-range condition allows together; [0, Infinity] without one. */
export function allowedSize(policy: PostPolicy): { min: number; max: number } {
  let min = 0;
  let max = Infinity;
  for (const condition of policy.conditions) {
    if (condition.kind !== 'length') continue;
    min = Math.max(min, condition.min);
    max = Math.min(max, condition.max);
  }
  return { min, max };
}
