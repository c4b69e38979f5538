import type { PostPlan } from './upload-plan.js';

/**
 * The storage form: the signed fields in the order given, then the file last (S3 ignores
 * anything after the file). Nothing else is added: S3 refuses fields the policy does not cover.
 */
export function buildFormData(plan: PostPlan, file: Blob, fileName: string): FormData {
  const form = new FormData();
  for (const [name, value] of plan.fields) form.append(name, value);
  form.append(plan.fileField, file, fileName);
  return form;
}
