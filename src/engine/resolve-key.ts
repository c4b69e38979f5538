import type { PostPlan, UploadPlan } from './upload-plan.js';

const FILENAME_VARIABLE = '${filename}';

/** S3 field names are ASCII and case-insensitive; `toLowerCase()` would also fold the Kelvin sign into `k`. */
export function isKeyField(name: string): boolean {
  return /^key$/i.test(name);
}

/**
 * Applies the key rules to a plan for one file: a key ending in `/` is a prefix and gets the
 * file's name appended (in the form field too: S3 stores exactly what the field says); a key
 * holding `${filename}` is sent as is because S3 substitutes it, so only the reported key is
 * substituted here.
 */
export function resolveKey(plan: PostPlan, fileName: string): { plan: PostPlan; key: string };
export function resolveKey(plan: UploadPlan, fileName: string): { plan: UploadPlan; key: string };
export function resolveKey(plan: UploadPlan, fileName: string): { plan: UploadPlan; key: string } {
  // A PUT URL is signed for one object: its key is what it is.
  if (plan.method === 'PUT') return { plan, key: plan.key };
  const withName = (key: string) => (key.endsWith('/') ? key + fileName : key);
  const fields = plan.fields.map(([name, value]) =>
    isKeyField(name) ? ([name, withName(value)] as const) : ([name, value] as const),
  );
  const sent = withName(plan.key);
  return { plan: { ...plan, fields, key: sent }, key: sent.split(FILENAME_VARIABLE).join(fileName) };
}
