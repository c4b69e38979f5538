import { UploadError } from '../engine/upload-error.js';

export type TemplateValue = string | number | undefined;
export type TemplateValues = Readonly<Record<string, TemplateValue>>;

export const DEFAULT_SIGN_BODY = '{"filename":"{name}","contentType":"{type}","size":"{size}"}';
export const DEFAULT_REGISTER_BODY = '{"key":"{key}","filename":"{name}","contentType":"{type}","size":"{size}"}';

const PLACEHOLDER = /\{(\w+)\}/g;
const EXACT_PLACEHOLDER = /^\{(\w+)\}$/;

/** Parses a `sign-body` / `register-body` attribute; bad JSON is a configuration error of that stage. */
export function parseBodyTemplate(json: string, stage: 'sign' | 'register'): unknown {
  // Checked and used for every file: parsed once (filling never changes a template).
  if (parsedTemplates.has(json)) return parsedTemplates.get(json);
  let template: unknown;
  try {
    template = JSON.parse(json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UploadError(stage, 'InvalidTemplate', `The ${stage}-body attribute is not valid JSON: ${reason}`);
  }
  // Filling recurses per level; no real request body comes near this, a stack overflow would.
  if (depth(template) > MAX_DEPTH) {
    throw new UploadError(stage, 'InvalidTemplate', `The ${stage}-body attribute nests deeper than ${MAX_DEPTH} levels.`);
  }
  if (parsedTemplates.size >= 16) parsedTemplates.clear();
  parsedTemplates.set(json, template);
  return template;
}

/** Valid templates already parsed, by their JSON text. */
const parsedTemplates = new Map<string, unknown>();

const MAX_DEPTH = 64;

/** How many objects or arrays deep a value nests (counted up to one past the limit). */
function depth(value: unknown): number {
  let levels = 0;
  let level: unknown[] = [value];
  while (levels <= MAX_DEPTH) {
    const containers = level.filter((item): item is object => item !== null && typeof item === 'object');
    if (containers.length === 0) break;
    levels++;
    level = containers.flatMap((container) => Object.values(container));
  }
  return levels;
}

/**
 * Fills a parsed template: a string that is exactly one known placeholder becomes the typed value
 * (`"{size}"` becomes a number; a missing value becomes null); a placeholder inside a longer string
 * is interpolated (a missing value as ''). Unknown placeholders stay as written.
 */
export function fillTemplate(template: unknown, values: TemplateValues): unknown {
  if (typeof template === 'string') {
    const exact = EXACT_PLACEHOLDER.exec(template);
    if (exact && Object.hasOwn(values, exact[1]!)) return values[exact[1]!] ?? null;
    return template.replace(PLACEHOLDER, (whole, name: string) =>
      Object.hasOwn(values, name) ? String(values[name] ?? '') : whole,
    );
  }
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, values));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([name, item]) => [name, fillTemplate(item, values)]));
  }
  return template;
}

/** The placeholders every template may use. */
export function fileValues(file: File): TemplateValues {
  return { name: file.name, type: file.type, size: file.size, lastModified: file.lastModified };
}
