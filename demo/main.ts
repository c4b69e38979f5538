// The demo page's glue: the user switch, the markup of each set-up, an events log, the stored
// objects and the seed-003 form submission. Every server value is shown as text, never parsed as HTML.
import '../src/presigned-uploader.js';
import type { PresignedUploaderEventMap } from '../src/events.js';

type EventName = keyof PresignedUploaderEventMap;

interface StoredObjectRow {
  key: string;
  size: number;
  lastModified?: string;
  url: string;
}

interface ObjectsAnswer {
  storage: { kind: 'dev-storage' | 's3'; bucket: string; region: string; endpoint?: string; dataDir?: string };
  objects: StoredObjectRow[];
  truncated: boolean;
}

const EVENTS: readonly EventName[] = ['file-reject', 'upload-start', 'upload-progress', 'upload-complete', 'upload-error', 'upload-abort'];
const LOG_LIMIT = 150;

function $<T extends Element>(selector: string, root: ParentNode = document): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`demo: ${selector} is missing from index.html`);
  return found;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function clip(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// ---- user switch: who the backend's authorize sees ---------------------------------------------

/** The demo backend has no sign-in: this header names the user, as a session cookie or token would. */
function userHeaders(): Record<string, string> {
  const checked = document.querySelector<HTMLInputElement>('input[name="demo-user"]:checked');
  return { 'X-Demo-User': checked?.value ?? 'ada' };
}

function applyUser(): void {
  const headers = userHeaders();
  // An object: a property, never an attribute. The element sends it to sign, register and multipart calls only.
  for (const uploader of document.querySelectorAll('presigned-uploader')) uploader.headers = headers;
  $<HTMLElement>('#objects-user').textContent = headers['X-Demo-User']!;
}

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="demo-user"]')) {
  radio.addEventListener('change', () => {
    applyUser();
    void refreshObjects();
  });
}
applyUser();

// ---- markup: what the README shows, read back from the live page -------------------------------

/** An element and its element children as indented HTML, one attribute per line when there are several. */
function markupOf(node: Element, indent = ''): string {
  const tag = node.localName;
  // Classes are the demo's styling hooks, not part of the set-up.
  const attributes = [...node.attributes].filter(({ name }) => name !== 'class').map(({ name, value }) => {
    if (value === '' && !['value', 'action'].includes(name)) return name;
    return value.includes('"') ? `${name}='${value}'` : `${name}="${value}"`;
  });
  const open =
    attributes.length > 1 && tag === 'presigned-uploader'
      ? `${indent}<${tag}\n${attributes.map((attribute) => `${indent}  ${attribute}`).join('\n')}\n${indent}>`
      : `${indent}<${[tag, ...attributes].join(' ')}>`;
  if (tag === 'input') return open.replace(/>$/, ' />');
  const children = [...node.children];
  if (children.length === 0) return `${open}${node.textContent?.trim() ?? ''}</${tag}>`;
  return `${open}\n${children.map((child) => markupOf(child, `${indent}  `)).join('\n')}\n${indent}</${tag}>`;
}

for (const setup of document.querySelectorAll<HTMLElement>('[data-setup]')) {
  const shown = setup.querySelector('form') ?? setup.querySelector('presigned-uploader');
  if (shown) $<HTMLPreElement>('.markup', setup).textContent = markupOf(shown);
}

// ---- events log ---------------------------------------------------------------------------------

const log = $<HTMLOListElement>('#events');
const logEmpty = $<HTMLElement>('#events-empty');
/** The row of each upload's progress, updated in place rather than one row per frame. */
const progressRows = new Map<string, { row: HTMLLIElement; count: number }>();

function summary<K extends EventName>(type: K, detail: PresignedUploaderEventMap[K]['detail']): string {
  const name = detail.file.name;
  switch (type) {
    case 'file-reject':
      return `${name}: refused (${(detail as PresignedUploaderEventMap['file-reject']['detail']).reason})`;
    case 'upload-start':
      return `${name}, ${formatSize(detail.file.size)}, ${detail.file.type || 'no type'}`;
    case 'upload-progress': {
      const { loaded, total, percent } = detail as PresignedUploaderEventMap['upload-progress']['detail'];
      return `${name}: ${Math.round(percent)} % (${formatSize(loaded)} of ${formatSize(total)})`;
    }
    case 'upload-complete': {
      const { key, fileId, etag, registration } = detail as PresignedUploaderEventMap['upload-complete']['detail'];
      const parts = [`${name} stored as ${key}`];
      if (fileId !== undefined) parts.push(`fileId ${fileId}`);
      if (etag) parts.push(`etag ${etag}`);
      if (registration !== undefined) parts.push(`registration ${clip(JSON.stringify(registration))}`);
      return parts.join(' · ');
    }
    case 'upload-error': {
      const { stage, error } = detail as PresignedUploaderEventMap['upload-error']['detail'];
      const status = error.status !== undefined ? ` (HTTP ${error.status})` : '';
      return `${name}: ${stage} failed${status}: ${error.code ?? 'error'}: ${error.message}`;
    }
    default:
      return name;
  }
}

function logEvent<K extends EventName>(event: PresignedUploaderEventMap[K], type: K): void {
  const setup = (event.target as Element | null)?.closest<HTMLElement>('[data-setup]')?.dataset.setup ?? '?';
  const text = summary(type, event.detail);
  const time = new Date().toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hour12: false,
  });

  const key = `${setup}/${event.detail.id}`;
  const progress = progressRows.get(key);
  if (type === 'upload-progress' && progress) {
    progress.count++;
    $<HTMLElement>('.time', progress.row).textContent = time;
    $<HTMLElement>('.text', progress.row).textContent = `${text} · ${progress.count} events`;
    log.prepend(progress.row);
    return;
  }
  if (type !== 'upload-progress') progressRows.delete(key);

  const row = el('li', `event ${type}`);
  row.append(el('span', 'time', time), el('span', 'origin', setup), el('span', 'name', type), el('span', 'text', text));
  log.prepend(row);
  if (type === 'upload-progress') progressRows.set(key, { row, count: 1 });
  while (log.children.length > LOG_LIMIT) log.lastElementChild?.remove();
  logEmpty.hidden = true;
}

for (const type of EVENTS) {
  document.addEventListener(type, (event) => logEvent(event as PresignedUploaderEventMap[typeof type], type));
}

$<HTMLButtonElement>('#clear-events').addEventListener('click', () => {
  log.replaceChildren();
  progressRows.clear();
  logEmpty.hidden = false;
});

// ---- stored objects ------------------------------------------------------------------------------

const table = $<HTMLTableElement>('#objects');
const objectsEmpty = $<HTMLElement>('#objects-empty');
const storageLine = $<HTMLElement>('#storage');

function describeStorage({ kind, endpoint, bucket, region, dataDir }: ObjectsAnswer['storage']): string {
  if (kind === 'dev-storage') return `Files go to the embedded dev storage at ${endpoint}, bucket "${bucket}", kept in ${dataDir}.`;
  return `Files go to ${endpoint ?? `AWS S3 in ${region}`}, bucket "${bucket}".`;
}

let refreshing: Promise<void> | undefined;
let again = false;

/** Reloads the list; a call while one runs makes it run once more, so the newest upload is never missed. */
function refreshObjects(): Promise<void> {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = loadObjects().finally(() => {
    refreshing = undefined;
    if (again) {
      again = false;
      void refreshObjects();
    }
  });
  return refreshing;
}

async function loadObjects(): Promise<void> {
  let answer: ObjectsAnswer;
  try {
    const response = await fetch('/api/objects', { headers: { Accept: 'application/json', ...userHeaders() } });
    if (!response.ok) throw new Error(`GET /api/objects answered HTTP ${response.status}`);
    answer = (await response.json()) as ObjectsAnswer;
  } catch (error) {
    storageLine.textContent = `The demo backend is not answering: ${(error as Error).message}. Run npm start.`;
    storageLine.classList.add('problem');
    return;
  }
  storageLine.classList.remove('problem');
  storageLine.textContent = describeStorage(answer.storage);

  const rows = answer.objects.map(({ key, size, lastModified, url }) => {
    const row = el('tr');
    const link = el('a', undefined, key);
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    const keyCell = el('td', 'key');
    keyCell.append(link);
    const when = lastModified ? new Date(lastModified) : undefined;
    const stored = el('td', 'when', when ? when.toLocaleString() : '');
    if (when) stored.title = when.toISOString();
    row.append(keyCell, el('td', 'number', formatSize(size)), stored);
    return row;
  });
  $<HTMLTableSectionElement>('tbody', table).replaceChildren(...rows);
  table.hidden = rows.length === 0;
  objectsEmpty.hidden = rows.length > 0;
  objectsEmpty.textContent = 'Nothing stored yet.';
  if (answer.truncated) {
    const more = el('tr');
    more.append(el('td', 'more', `Only the newest ${rows.length} are shown.`));
    $<HTMLTableSectionElement>('tbody', table).append(more);
  }
}

document.addEventListener('upload-complete', () => void refreshObjects());
$<HTMLButtonElement>('#refresh-objects').addEventListener('click', () => void refreshObjects());
void refreshObjects();

// ---- seed 003: submit the task form with the file ids as the field's value ----------------------

const taskForm = $<HTMLFormElement>('.task-form');
const answerOutput = $<HTMLOutputElement>('[data-setup="seed-003"] .answer');

taskForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(taskForm);
  const values: Record<string, string | string[]> = {};
  for (const name of new Set(data.keys())) {
    if (name === 'task_id') continue;
    const all = data.getAll(name).map(String);
    values[name] = all.length === 1 ? all[0]! : all;
  }
  const body = { task_id: Number(data.get('task_id')), values };
  answerOutput.className = 'answer';
  answerOutput.textContent = `Submitting ${JSON.stringify(values)}…`;
  try {
    const response = await fetch(taskForm.getAttribute('action')!, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...userHeaders() },
      body: JSON.stringify(body),
    });
    const answer: unknown = await response.json();
    const ok = (answer as { success?: unknown } | null)?.success === true;
    answerOutput.classList.add(ok ? 'ok' : 'problem');
    answerOutput.textContent = `Submitted ${JSON.stringify(body)}, answer: ${clip(JSON.stringify(answer), 240)}`;
    // The submitted ids are the field's value now; the form starts over, as the vendor's does.
    if (ok) taskForm.reset();
  } catch (error) {
    answerOutput.classList.add('problem');
    answerOutput.textContent = `The submission failed: ${(error as Error).message}`;
  }
});
