export type RejectReason = 'type' | 'size' | 'count';

/** Thrown by a prepare step that finds a rule broken only once the bytes to upload are known. */
export class FileRejection extends Error {
  readonly reason: RejectReason;

  constructor(reason: RejectReason) {
    super(`File refused: ${reason}`);
    this.reason = reason;
  }
}

export interface FileRules {
  /** As on `<input type=file>`: MIME types, `type/*` and `.ext`, comma-separated. */
  accept?: string;
  maxSize?: number;
}

/** Whether a file matches an `accept` list, the way the browser's picker matches it. */
export function matchesAccept(file: File, accept: string): boolean {
  const tokens = accept.split(',').map((token) => token.trim().toLowerCase()).filter(Boolean);
  if (tokens.length === 0) return true;
  const name = file.name.toLowerCase();
  const type = file.type.toLowerCase();
  return tokens.some((token) => {
    if (token.startsWith('.')) return name.endsWith(token);
    if (token.endsWith('/*')) return type.startsWith(token.slice(0, -1));
    return type === token;
  });
}

/** The first rule a file breaks, or undefined when it may be uploaded. */
export function rejectReason(file: File, rules: FileRules): RejectReason | undefined {
  if (rules.accept && !matchesAccept(file, rules.accept)) return 'type';
  if (rules.maxSize !== undefined && file.size > rules.maxSize) return 'size';
  return undefined;
}
