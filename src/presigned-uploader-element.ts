import { html, LitElement, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { UploadSnapshot, UploadStatus } from './engine/upload-queue.js';
import { isActive, PAUSABLE } from './engine/upload-tally.js';
import type { FileRejectDetail, PresignedUploaderEventMap, UploadErrorDetail, UploadProgressDetail } from './events.js';
import { dictionaryFor, fill, mergeStrings, type PartialStrings, type UploaderStrings } from './i18n/strings.js';
import { styles } from './presigned-uploader.styles.js';
import { Announcer } from './ui/announcer.js';
import { closestLang, intlLocale } from './ui/closest-lang.js';
import { setCustomState } from './ui/custom-states.js';
import { droppedFiles } from './ui/dropped-files.js';
import { formatCount, formatDuration, formatPercent, formatSize, formatSpeed } from './ui/format.js';
import { afterNextFrame } from './ui/next-frame.js';
import { SpeedMeter } from './ui/speed-meter.js';
import { Thumbnails } from './ui/thumbnails.js';
import { VirtualWindow } from './ui/virtual-window.js';
import { UploadController, type AddedBatch } from './upload-controller.js';


type AnyDetail = Partial<UploadProgressDetail & UploadErrorDetail & FileRejectDetail> & { id: string; file: File };

/** Restored form values have no upload id of their own; this prefix keeps their row ids apart. */
const RESTORED = 'restored:';
const DEFAULT_MULTIPART_THRESHOLD = 100 * 1024 * 1024;
/** Refused files shown one by one; the rest are counted in one line. */
const REJECTED_SHOWN = 20;
/** Form entries copied at once on any change; a longer value is copied at most once per 16 ms. */
const FORM_VALUE_AT_ONCE = 256;
/** The milestone tracker's id for the progress of all files together. */
const ALL = '';
/** The announcement of each way an upload ends. */
const ENDINGS = { 'upload-complete': 'complete', 'upload-error': 'error', 'upload-abort': 'abort' } as const;

/** Files that went through since the list was last idle: what the end of a batch announces. */
interface Run {
  started: number;
  complete: number;
  error: number;
}

interface Language {
  strings: UploaderStrings;
  /** A locale `Intl` takes. */
  locale: string;
}

/** Where a row sits in the whole list. */
interface RowPosition {
  index: number;
  count: number;
  /** Offset from the list's top, in px. */
  top: number;
}

/** The badge of a file without a preview: its extension, or a dot. */
function extension(name: string): string {
  const match = /\.([a-z0-9]{1,4})$/i.exec(name);
  return match ? match[1]!.toUpperCase() : '•';
}

/** A number attribute that may be absent or garbage: only a finite value counts. */
function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** A number attribute that cannot go below 0: `fallback` when absent or garbage. */
function nonNegative(value: number | undefined, fallback: number): number {
  return Math.max(0, finite(value) ?? fallback);
}

/**
 * @summary Uploads files from the browser straight to S3-compatible storage: presigned POST or PUT, multipart for big files.
 *
 * @fires file-reject - Client validation refused a file. detail: `{ id, file, reason }`.
 * @fires upload-start - The sign request is about to go out. detail: `{ id, file }`.
 * @fires upload-progress - Bytes went out (at most once per frame per file). detail: `{ id, file, loaded, total, percent }`.
 * @fires upload-complete - Stored, and registered when `register-endpoint` is set. detail: `{ id, file, key, location?, etag?, fileId?, registration? }`.
 * @fires upload-error - A step failed for good. detail: `{ id, file, stage, error: { code?, message, status? } }`.
 * @fires upload-abort - An upload was cancelled. detail: `{ id, file }`.
 * @fires upload-pause - An upload was paused. detail: `{ id, file }`.
 * @fires upload-resume - A paused upload was resumed. detail: `{ id, file }`.
 *
 * @slot prompt - The text of the drop zone.
 * @slot button - The label of the pick button.
 * @slot - With `headless`, the page's own UI; otherwise unused.
 *
 * @csspart drop-zone - The area that takes dropped files.
 * @csspart prompt - The prompt text of the drop zone.
 * @csspart button - The pick button.
 * @csspart directory-button - The folder pick button (with `directory`).
 * @csspart file-list - The list of files.
 * @csspart file - One file's row (also a restored value's row).
 * @csspart thumbnail - A file's image preview, or the type badge of a non-image.
 * @csspart file-name - A file's name.
 * @csspart meta - A file's size, speed and time left.
 * @csspart progress - A file's progress bar.
 * @csspart status - A file's status text.
 * @csspart error - A file's error message, or why a file was refused.
 * @csspart action - The pause, resume, cancel, retry, remove and dismiss buttons (and pause all / resume all).
 * @csspart total - The total progress line (more than one file).
 * @csspart total-progress - The total progress bar.
 *
 * @cssprop --presigned-uploader-accent - Progress bar and focus colour.
 * @cssprop --presigned-uploader-border - Border colour of the drop zone and rows.
 * @cssprop --presigned-uploader-error - Colour of error text.
 * @cssprop --presigned-uploader-radius - Corner radius.
 * @cssprop --presigned-uploader-gap - Space between parts.
 * @cssprop --presigned-uploader-background - Background of the drop zone and rows.
 * @cssprop --presigned-uploader-on-accent - Text colour on the accent (the pick button).
 * @cssprop --presigned-uploader-muted - Colour of secondary text (sizes, speeds, prompt).
 * @cssprop --presigned-uploader-success - Colour of the completed status.
 * @cssprop --presigned-uploader-thumbnail-size - Edge of the square previews.
 *
 * @cssprop --presigned-uploader-list-height - Most height of the file list before it scrolls.
 *
 * Custom states: `:state(uploading)`, `:state(complete)`, `:state(error)`, `:state(dragover)`.
 *
 * The DOM renders at most once per animation frame: events fire at once, and
 * `await el.updateComplete` after one gives the DOM for the state it announced. Only the rows in
 * view exist in the DOM, whatever the number of files.
 */
export class PresignedUploaderElement extends LitElement {
  static override styles = styles;
  static formAssociated = true;
  /**
   * The attributes and properties Lit watches, each documented on its field below. A static map
   * rather than a `@property` decorator per field: the 27 decorator calls and Lit's decorator code
   * weighed 420 B gzip in the standalone file.
   */
  static override properties: PropertyDeclarations = {
    endpoint: {},
    registerEndpoint: { attribute: 'register-endpoint' },
    multipartEndpoint: { attribute: 'multipart-endpoint' },
    multipartThreshold: { attribute: 'multipart-threshold', type: Number },
    signBody: { attribute: 'sign-body' },
    registerBody: { attribute: 'register-body' },
    accept: {},
    maxSize: { attribute: 'max-size', type: Number },
    maxFiles: { attribute: 'max-files', type: Number },
    multiple: { type: Boolean },
    concurrency: { type: Number },
    signAhead: { attribute: 'sign-ahead', type: Number },
    registerConcurrency: { attribute: 'register-concurrency', type: Number },
    retries: { type: Number },
    retryDelay: { attribute: 'retry-delay', type: Number },
    stallTimeout: { attribute: 'stall-timeout', type: Number },
    manual: { type: Boolean },
    disabled: { type: Boolean },
    name: {},
    required: { type: Boolean },
    headers: { attribute: false },
    directory: { type: Boolean },
    headless: { type: Boolean },
    resizeWidth: { attribute: 'resize-width', type: Number },
    resizeHeight: { attribute: 'resize-height', type: Number },
    resizeQuality: { attribute: 'resize-quality', type: Number },
    resizeType: { attribute: 'resize-type' },
    capture: {},
    strings: { attribute: false },
  };
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override get observedAttributes(): string[] {
    // `lang` is the DOM's own property; observing it re-renders in the new language.
    return [...super.observedAttributes, 'lang'];
  }

  /** URL of the sign ("ask permission to upload") endpoint. */
  endpoint = '';
  /** URL of the register endpoint; absent: no register step. */
  registerEndpoint?: string;
  /** URL of the multipart endpoint: files above `multipart-threshold` go up in parts through it. */
  multipartEndpoint?: string;
  /** Bytes above which a file goes up in parts, when `multipart-endpoint` is set (default 100 MiB). */
  multipartThreshold = DEFAULT_MULTIPART_THRESHOLD;
  /** JSON template of the sign request body. */
  signBody?: string;
  /** JSON template of the register request body. */
  registerBody?: string;
  /** Accepted types, as on `<input type=file>`: MIME types, `type/*`, extensions. */
  accept = '';
  /** Largest file size in bytes; larger files are refused before any request. */
  maxSize?: number;
  /** Most files in the list at once. */
  maxFiles?: number;
  /** The picker and drop take more than one file. */
  multiple = false;
  /** Uploads in flight at once: files whose bytes (or sign request, when not signed ahead) are on their way. */
  concurrency = 3;
  /** Files signed ahead while every upload slot sends bytes (default: `concurrency`); 0: sign only when a slot is free. */
  signAhead?: number;
  /** Register calls at once, outside the upload slots (default: `concurrency`). */
  registerConcurrency?: number;
  /** Retries of a retryable failure. */
  retries = 3;
  /** Base delay of the exponential retry backoff, in ms. */
  retryDelay = 1000;
  /** Ms without upload progress before an upload is given up and retried; 0: never. */
  stallTimeout = 30_000;
  /** Queue files and wait for `start()`. */
  manual = false;
  /** No picking, dropping or adding files. */
  disabled = false;
  /** Form field name: each completed file adds an entry (its fileId, else its key). */
  name?: string;
  /** The form is invalid until a file is complete, and while an upload runs. */
  required = false;
  /** Extra headers for the sign and register requests only; never sent to storage. */
  headers: Record<string, string> = {};
  /** Adds a "Choose a folder" button whose picker takes a whole directory. */
  directory = false;
  /** Renders no UI but a default slot: the page draws its own from the events and `files`. */
  headless = false;
  /** Bounding box width in pixels: JPEG, PNG and WebP images wider are scaled down before upload. */
  resizeWidth?: number;
  /** Bounding box height in pixels: JPEG, PNG and WebP images taller are scaled down before upload. */
  resizeHeight?: number;
  /** 0 to 1: quality of lossy resized output. */
  resizeQuality = 0.85;
  /** Output MIME type of resized images (default: the input's). */
  resizeType?: string;
  /** Passed to the file picker: `user` or `environment` opens a phone's camera. */
  capture?: string;
  /** Partial overrides of the UI strings, deep-merged over the language picked by `lang`. */
  strings: PartialStrings = {};

  readonly #internals = this.attachInternals();
  readonly #announcer = new Announcer();
  readonly #meter = new SpeedMeter();
  readonly #thumbnails = new Thumbnails();
  readonly #window = new VirtualWindow(this);
  #formDisabled = false;
  /** The row holding keyboard focus: it stays rendered while focused, in view or not. */
  #focusedId?: string;
  #run?: Run;
  /** When the form value was last handed to the browser; it is rebuilt at most once per 16 ms. */
  #formValueAt = -Infinity;
  #formValueQueued = false;
  /** What the form value was last built from: rebuilt only when one of these changed. */
  #formValueOf: unknown[] = [];
  /** Form values the browser restored (back/forward, session restore): files this page never saw. */
  #restored: string[] = [];
  #merged?: Language & { lang: string; override: PartialStrings };
  readonly #onPaste = (event: ClipboardEvent): void => {
    const files = event.clipboardData?.files;
    if (!files?.length || this.#isDisabled) return;
    event.preventDefault();
    this.#add(files);
  };
  readonly #uploads = new UploadController(this, {
    queue: () => ({
      concurrency: finite(this.concurrency) ?? 3,
      signAhead: finite(this.signAhead),
      registerConcurrency: finite(this.registerConcurrency),
      retries: nonNegative(this.retries, 3),
      baseDelay: nonNegative(this.retryDelay, 1000),
      manual: this.manual,
      stallTimeout: nonNegative(this.stallTimeout, 30_000),
      multipartThreshold: nonNegative(this.multipartThreshold, DEFAULT_MULTIPART_THRESHOLD),
    }),
    backend: () => ({
      endpoint: this.endpoint,
      registerEndpoint: this.registerEndpoint || undefined,
      multipartEndpoint: this.multipartEndpoint || undefined,
      signBody: this.signBody ?? undefined,
      registerBody: this.registerBody ?? undefined,
      headers: this.headers ?? {},
    }),
    emit: (type, detail) => {
      this.#observe(type, detail as AnyDetail);
      this.#emit(type, detail);
    },
    added: (batch) => this.#announceBatch(batch),
    changed: () => this.#syncState(),
    shown: () => !this.headless,
    resize: () => {
      const width = nonNegative(this.resizeWidth, 0);
      const height = nonNegative(this.resizeHeight, 0);
      if (!width && !height) return undefined;
      const quality = Math.min(1, nonNegative(this.resizeQuality, 0.85));
      return { width, height, quality, type: this.resizeType || undefined, maxSize: finite(this.maxSize) };
    },
  });

  /** A read-only snapshot of each file's state. */
  get files(): UploadSnapshot[] {
    return this.#uploads.queue.uploads;
  }

  get form(): HTMLFormElement | null {
    return this.#internals.form;
  }

  get validity(): ValidityState {
    return this.#internals.validity;
  }

  get validationMessage(): string {
    return this.#internals.validationMessage;
  }

  checkValidity(): boolean {
    return this.#internals.checkValidity();
  }

  reportValidity(): boolean {
    return this.#internals.reportValidity();
  }

  /** Adds files as the picker, drop and paste do (all of them, `multiple` or not): each is validated, then queued or refused. */
  addFiles(files: Iterable<File>): void {
    this.#add(files, true);
  }

  /** Starts the files a `manual` uploader holds. */
  start(): void {
    this.#uploads.queue.start();
  }

  /** Cancels one upload by id, or all; cancelled files stay listed as `aborted`. */
  cancel(id?: string): void {
    this.#uploads.queue.cancel(id);
  }

  /** Pauses one upload by id, or all: a paused file holds no concurrency slot. */
  pause(id?: string): void {
    this.#uploads.queue.pause(id);
  }

  /** Resumes one paused upload by id, or all. */
  resume(id?: string): void {
    this.#uploads.queue.resume(id);
  }

  /** Retries one failed or cancelled upload by id, or all. */
  retry(id?: string): void {
    this.#uploads.queue.retry(id);
  }

  /**
   * Takes one file by id, or all, out of the list, cancelling it if it still runs. Not `remove()`:
   * that name is the DOM's, and pages and test harnesses call it to take the element out.
   */
  removeFile(id?: string): void {
    this.#uploads.remove(id);
  }

  formResetCallback(): void {
    this.removeFile();
    this.#uploads.dismiss();
    this.#restored = [];
    this.#syncState();
  }

  formDisabledCallback(disabled: boolean): void {
    this.#formDisabled = disabled;
    this.requestUpdate();
  }

  /** The browser hands back the value of an earlier visit: its completed keys/ids stay the value until removed. */
  formStateRestoreCallback(state: string | File | FormData | null): void {
    const values = state instanceof FormData ? [...state.values()] : [state];
    this.#restored = values.filter((value): value is string => typeof value === 'string' && value !== '');
    this.#syncState();
    this.requestUpdate();
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name !== 'lang') return;
    // The validation message and the whole UI are in the element's language.
    this.#syncState();
    this.requestUpdate();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Pasting files (a screenshot, files copied in a file manager) while the uploader has focus.
    this.addEventListener('paste', this.#onPaste);
    // Register calls an earlier page still owed; after load, so the page has set `headers`.
    if (document.readyState === 'complete') setTimeout(() => this.#recover());
    else addEventListener('load', () => this.#recover(), { once: true });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('paste', this.#onPaste);
    // Object URLs pin their files in memory; a reconnect renders fresh ones.
    this.#thumbnails.clear();
  }

  /** At most one render per animation frame, whatever asked for it: events fire at once, the DOM follows. */
  protected override async scheduleUpdate(): Promise<void> {
    await new Promise<void>((resolve) => afterNextFrame(resolve));
    super.scheduleUpdate();
  }

  /** Also waits for the render a newly measured row height asks for, so the list is in place. */
  protected override async getUpdateComplete(): Promise<boolean> {
    while (!(await super.getUpdateComplete()));
    return true;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if ((['concurrency', 'signAhead', 'registerConcurrency'] as const).some((name) => changed.has(name))) this.#uploads.queue.pump();
    if ((['name', 'required', 'strings'] as const).some((name) => changed.has(name))) this.#syncState();
    const list = this.renderRoot.querySelector<HTMLElement>('[part=file-list]');
    this.#window.observe(list, list?.querySelector<HTMLElement>('li') ?? null);
    // Previews exist for the rows in view only: a row that leaves takes its object URL along.
    this.#thumbnails.keep(() => (this.headless || !list ? [] : [...list.querySelectorAll<HTMLElement>('li[data-id]')].map((row) => row.dataset.id!)));
  }

  protected override render() {
    if (this.headless) return html`<slot></slot>`;
    const { strings: t, locale } = this.#language;
    const disabled = this.#isDisabled;
    const { queue } = this.#uploads;
    const rejected = this.#uploads.rejected;
    return html`
      <div
        part="drop-zone"
        class="drop-zone ${disabled ? 'disabled' : ''}"
        @click=${this.#onZoneClick}
        @dragover=${this.#onDragOver}
        @dragleave=${this.#onDragLeave}
        @drop=${this.#onDrop}
      >
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M12 16V4m0 0L7 9m5-5 5 5M5 15v3a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-3" />
        </svg>
        <span part="prompt" class="prompt"><slot name="prompt">${t.prompt}</slot></span>
        <span class="buttons">
          <button part="button" type="button" ?disabled=${disabled} @click=${this.#pick}>
            <slot name="button">${this.multiple ? t.pick : t.pickOne}</slot>
          </button>
          ${this.directory
            ? html`<button part="directory-button" type="button" ?disabled=${disabled} @click=${this.#pickDirectory}>
                ${t.pickDirectory}
              </button>`
            : nothing}
        </span>
        <input
          type="file"
          hidden
          tabindex="-1"
          accept=${this.accept || nothing}
          capture=${this.capture || nothing}
          ?multiple=${this.multiple}
          ?disabled=${disabled}
          @change=${this.#onPicked}
        />
        ${this.directory
          ? html`<input class="directory" type="file" hidden tabindex="-1" webkitdirectory ?disabled=${disabled} @change=${this.#onPicked} />`
          : nothing}
      </div>
      ${this.#renderList(t, locale)}
      ${queue.count > 1 ? this.#renderTotal(t, locale) : nothing}
      ${rejected.slice(0, REJECTED_SHOWN).map(
        ({ id, file, reason }) => html`<p part="error" class="rejected" data-id=${id}>
          <span>${file.name}: ${t.reject[reason]}</span>
          <button part="action" type="button" @click=${() => this.#dismiss(id)}>${t.dismiss}</button>
        </p>`,
      )}
      ${rejected.length > REJECTED_SHOWN
        ? html`<p part="error" class="rejected">
            <span>${fill(t.moreRejected, { count: formatCount(rejected.length - REJECTED_SHOWN, locale) })}</span>
            <button part="action" type="button" @click=${() => this.#dismiss()}>${t.dismissAll}</button>
          </p>`
        : nothing}
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.#announcer.message}</div>
    `;
  }

  /**
   * The rows in view, plus a margin and the focused row, placed where they sit in the whole list:
   * the DOM holds a few dozen rows whether ten files are listed or ten thousand.
   */
  #renderList(t: UploaderStrings, locale: string) {
    const { queue } = this.#uploads;
    const restored = this.#restored;
    const files = queue.count;
    const count = files + restored.length;
    if (count === 0) return nothing;
    const { start, end } = this.#window.range(count);
    const rows: number[] = [];
    for (let index = start; index < end; index++) rows.push(index);
    const key = (index: number) => (index < files ? queue.at(index)!.id : `${RESTORED}${restored[index - files]}`);
    // The walk to find a focused row runs only when it is out of the window: not on every frame.
    const focusedId = this.#focusedId;
    if (focusedId !== undefined && !rows.some((index) => key(index) === focusedId)) {
      const focused = queue.indexOf(focusedId);
      if (focused >= 0) rows.splice(focused < start ? 0 : rows.length, 0, focused);
    }
    const { stride } = this.#window;
    return html`<ul
      part="file-list"
      role="list"
      aria-label=${t.fileList}
      .style=${`--_rows-height: ${count * stride}px`}
      @focusin=${this.#onRowFocus}
      @focusout=${this.#onRowBlur}
    >
      ${repeat(rows, key, (index) => {
        const position = { index, count, top: index * stride };
        if (index >= files) return this.#renderRestored(restored[index - files]!, t, position);
        const upload = queue.at(index)!;
        // A row is rebuilt only when its file or its place changed: most rows in view are idle.
        return guard([upload, t, position.top, count], () => this.#renderFile(upload, t, locale, position));
      })}
    </ul>`;
  }

  #renderFile({ id, file, status, loaded, total, error }: UploadSnapshot, t: UploaderStrings, locale: string, position: RowPosition) {
    const active = isActive(status);
    const thumbnail = this.#thumbnails.get(id, this.#uploads.thumbnailOf(id, file));
    const nameId = `name-${id}`;
    return html`<li part="file" class="file ${status}" data-id=${id} aria-setsize=${position.count} aria-posinset=${position.index + 1}
      .style=${`top: ${position.top}px`}>
      ${thumbnail
        ? html`<img part="thumbnail" class="thumbnail" src=${thumbnail} alt="" />`
        : html`<span part="thumbnail" class="thumbnail badge" aria-hidden="true">${extension(file.name)}</span>`}
      <span class="info">
        <span part="file-name" class="name" id=${nameId}>${file.name}</span>
        ${error
          ? html`<span part="error" class="error" title=${error.message}>${error.message}</span>`
          : html`<span part="meta" class="meta">${this.#meta(id, status, loaded, total, t, locale)}</span>`}
      </span>
      <span part="status" class="status">${t.status[status]}</span>
      <span class="actions">
        ${status === 'paused'
          ? this.#action(t.resume, nameId, () => this.resume(id))
          : PAUSABLE.has(status) && total > loaded
            ? this.#action(t.pause, nameId, () => this.pause(id))
            : nothing}
        ${active ? this.#action(t.cancel, nameId, () => this.cancel(id)) : nothing}
        ${status === 'error' || status === 'aborted' ? this.#action(t.retry, nameId, () => this.retry(id)) : nothing}
        ${active ? nothing : this.#action(t.remove, nameId, () => this.#removeRow(id))}
      </span>
      <progress part="progress" max=${total || 1} .value=${total ? loaded : status === 'complete' ? 1 : 0}
        aria-labelledby=${nameId}></progress>
    </li>`;
  }

  #renderRestored(value: string, t: UploaderStrings, position: RowPosition) {
    const id = `${RESTORED}${value}`;
    const nameId = `name-${id}`;
    return html`<li part="file" class="file complete restored" data-id=${id} aria-setsize=${position.count} aria-posinset=${position.index + 1}
      .style=${`top: ${position.top}px`}>
      <span part="thumbnail" class="thumbnail badge" aria-hidden="true">✓</span>
      <span class="info">
        <span part="file-name" class="name" id=${nameId}>${value}</span>
        <span part="meta" class="meta">${t.restored}</span>
      </span>
      <span part="status" class="status">${t.status.complete}</span>
      <span class="actions">${this.#action(t.remove, nameId, () => this.#removeRow(id))}</span>
    </li>`;
  }

  #renderTotal(t: UploaderStrings, locale: string) {
    const { loaded, total } = this.#uploads.queue.tally;
    return html`<div part="total" class="total">
      <span class="total-label" id="total-label">${t.total}</span>
      <span class="meta">${fill(t.sizeProgress, { loaded: formatSize(loaded, locale), total: formatSize(total, locale) })}</span>
      ${this.#renderPauseAll(t)}
      <progress part="total-progress" aria-labelledby="total-label" max=${total || 1} .value=${loaded}></progress>
    </div>`;
  }

  /**
   * Pause all while more than one file runs; resume all once none runs and some are paused. One
   * button whose label changes, so that keyboard focus stays on it.
   */
  #renderPauseAll(t: UploaderStrings) {
    const { tally } = this.#uploads.queue;
    const running = [...PAUSABLE].reduce((sum, status) => sum + tally.count(status), 0);
    const resume = running === 0 && tally.count('paused') > 0;
    if (running < 2 && !resume) return nothing;
    const label = resume ? t.resumeAll : t.pauseAll;
    return html`<button part="action" type="button" @click=${() => (resume ? this.resume() : this.pause())}>${label}</button>`;
  }

  #action(label: string, describedBy: string, onClick: () => void) {
    // Each row has its own Cancel/Retry/Remove: the file name tells a screen reader which.
    return html`<button part="action" type="button" aria-describedby=${describedBy} @click=${onClick}>${label}</button>`;
  }

  /** Size, and while bytes go out: sent of total, speed and time left. */
  #meta(id: string, status: UploadStatus, loaded: number, total: number, t: UploaderStrings, locale: string): string {
    if (status !== 'uploading') return formatSize(total, locale);
    const parts = [fill(t.sizeProgress, { loaded: formatSize(loaded, locale), total: formatSize(total, locale) })];
    const rate = this.#meter.rate(id, total);
    if (rate) {
      parts.push(fill(t.speed, { speed: formatSpeed(rate.bytesPerSecond, locale) }));
      if (rate.secondsLeft >= 1) parts.push(fill(t.timeLeft, { time: formatDuration(rate.secondsLeft, locale) }));
    }
    return parts.join(' · ');
  }

  #recover(): void {
    if (this.isConnected) this.#uploads.recover();
  }

  get #isDisabled(): boolean {
    return this.disabled || this.#formDisabled;
  }

  #emit<K extends keyof PresignedUploaderEventMap>(type: K, detail: PresignedUploaderEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /**
   * The element's language: its strings with the `strings` overrides, and the locale `Intl` takes;
   * rebuilt only when the language or the overrides change.
   */
  get #language(): Language {
    const lang = closestLang(this);
    if (this.#merged?.lang !== lang || this.#merged.override !== this.strings) {
      this.#merged = { lang, override: this.strings, strings: mergeStrings(dictionaryFor(lang), this.strings), locale: intlLocale(lang) };
    }
    return this.#merged;
  }

  get #t(): UploaderStrings {
    return this.#language.strings;
  }

  /**
   * Feeds the speed meter and the live region from the events the controller fires. One file is
   * told by name; a batch is told as a whole ("1,000 files added", milestones of the total, the
   * end), so a screen reader is not drowned.
   */
  #observe(type: keyof PresignedUploaderEventMap, { id, file, loaded, total, percent, error, reason }: AnyDetail): void {
    // Without a UI there is no list to render, no speed to show and no live region to speak:
    // an event asks for no frame (each costs the renderer a frame's work, thousands of times).
    if (this.headless) return;
    const { name } = file;
    const single = this.#single;
    switch (type) {
      case 'upload-start':
        this.#meter.forget(id);
        this.#announcer.forget(id);
        if (this.#run) this.#run.started++;
        if (this.#single) this.#announcer.say(fill(this.#t.announce.start, { name }));
        break;
      case 'upload-progress': {
        // Once per frame per file: the detail carries the numbers, and the language is looked up
        // only when a milestone is told.
        this.#meter.sample(id, loaded ?? 0, total ?? 0);
        const { tally } = this.#uploads.queue;
        const mark = single ? this.#announcer.milestone(id, percent ?? 0) : this.#announcer.milestone(ALL, (tally.loaded / (tally.total || 1)) * 100);
        if (mark === undefined) break;
        const { strings, locale } = this.#language;
        const template = single ? strings.announce.progress : strings.announce.totalProgress;
        this.#announcer.say(fill(template, { name, percent: formatPercent(mark, locale) }));
        break;
      }
      case 'upload-pause':
        // A resumed upload starts its speed afresh.
        this.#meter.forget(id);
        break;
      case 'upload-complete':
      case 'upload-error':
      case 'upload-abort':
        this.#meter.forget(id);
        this.#announcer.forget(id);
        if (single) this.#announcer.say(fill(this.#t.announce[ENDINGS[type]], { name, message: error?.message ?? '' }));
        break;
      case 'file-reject': {
        if (this.#uploads.batchSize > 1) break;
        const t = this.#t;
        this.#announcer.say(fill(t.announce.reject, { name, reason: reason ? t.reject[reason] : '' }));
        break;
      }
    }
    this.requestUpdate();
  }

  /** Whether the live region tells files by name: one file on its way, and no batch. */
  get #single(): boolean {
    return (this.#run?.started ?? 0) <= 1 && this.#uploads.queue.tally.active <= 1 && this.#uploads.batchSize <= 1;
  }

  /** Tells a batch of added files in one sentence. */
  #announceBatch({ accepted, rejected }: AddedBatch): void {
    if (accepted + rejected <= 1 || this.headless) return;
    const { strings, locale } = this.#language;
    const said = [accepted > 0 ? fill(strings.announce.added, { count: formatCount(accepted, locale) }) : ''];
    if (rejected > 0) said.push(fill(strings.announce.refused, { count: formatCount(rejected, locale) }));
    this.#announcer.say(said.join(' ').trim());
    this.requestUpdate();
  }

  /** Removes a row, then puts focus where the keyboard user expects it: the next row, else the pick button. */
  async #removeRow(id: string): Promise<void> {
    const rows = [...this.renderRoot.querySelectorAll<HTMLElement>('li[data-id]')];
    const next = rows[rows.findIndex((row) => row.dataset.id === id) + 1]?.dataset.id;
    if (id.startsWith(RESTORED)) {
      this.#restored = this.#restored.filter((value) => `${RESTORED}${value}` !== id);
      this.#syncState();
      this.requestUpdate();
    } else {
      this.removeFile(id);
    }
    await this.updateComplete;
    this.#focusRowOrPicker('li', next);
  }

  /** Dismisses one refused file by id, or all of them. */
  async #dismiss(id?: string): Promise<void> {
    const rows = [...this.renderRoot.querySelectorAll<HTMLElement>('.rejected[data-id]')];
    const next = id === undefined ? undefined : rows[rows.findIndex((row) => row.dataset.id === id) + 1]?.dataset.id;
    this.#uploads.dismiss(id);
    await this.updateComplete;
    this.#focusRowOrPicker('.rejected', next);
  }

  #focusRowOrPicker(selector: string, id: string | undefined): void {
    const row = id === undefined ? null : [...this.renderRoot.querySelectorAll<HTMLElement>(`${selector}[data-id]`)].find((el) => el.dataset.id === id);
    (row?.querySelector<HTMLButtonElement>('button') ?? this.renderRoot.querySelector<HTMLButtonElement>('button[part=button]'))?.focus();
  }

  #pick(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  }

  #pickDirectory(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input.directory')?.click();
  }

  /** A click anywhere on the drop zone picks, as people expect of one; the buttons and inputs handle their own. */
  #onZoneClick(event: MouseEvent): void {
    if (this.#isDisabled) return;
    if (event.composedPath().some((node) => node instanceof HTMLButtonElement || node instanceof HTMLInputElement)) return;
    this.#pick();
  }

  #onPicked(event: Event): void {
    const input = event.target as HTMLInputElement;
    // A folder is many files by nature, so its picker takes them all, `multiple` or not.
    this.#add(input.files, input.webkitdirectory || this.multiple);
    // Picking the same file again must fire `change` again.
    input.value = '';
  }

  #onDragOver(event: DragEvent): void {
    if (this.#isDisabled) return;
    event.preventDefault();
    this.#setState('dragover', true);
  }

  #onDragLeave(): void {
    this.#setState('dragover', false);
  }

  #onDrop(event: DragEvent): void {
    this.#setState('dragover', false);
    if (this.#isDisabled) return;
    event.preventDefault();
    if (!event.dataTransfer) return;
    const dropped = droppedFiles(event.dataTransfer);
    // A dropped folder is many files by nature, as with the folder picker.
    if (dropped instanceof Promise) void dropped.then(({ files }) => this.#add(files, true));
    else this.#add(dropped.files);
  }

  /** The picker, drop and paste honour `multiple`: without it, the files after the first are refused. */
  #add(files: Iterable<File> | null, many = this.multiple): void {
    if (!files || this.#isDisabled) return;
    this.#uploads.add(files, {
      accept: this.accept,
      maxSize: finite(this.maxSize),
      maxFiles: finite(this.maxFiles),
      single: !many,
    });
  }

  #onRowFocus(event: FocusEvent): void {
    this.#focusedId = (event.target as HTMLElement).closest('li')?.dataset.id;
  }

  #onRowBlur(event: FocusEvent): void {
    const to = event.relatedTarget as Node | null;
    if (!to || !(event.currentTarget as HTMLElement).contains(to)) this.#focusedId = undefined;
  }

  /**
   * Validity, custom states and the live region's batch end, after any change of the list or a
   * status: O(1) from the queue's tally. The form value follows at most once per 16 ms.
   */
  #syncState(): void {
    const { tally } = this.#uploads.queue;
    const running = tally.active > 0;
    if (running && !this.#run) {
      this.#run = { started: 0, complete: tally.count('complete'), error: tally.count('error') };
      this.#announcer.forget(ALL);
    } else if (!running && this.#run) {
      const { started, complete, error } = this.#run;
      this.#run = undefined;
      if (started > 1) {
        const { strings, locale } = this.#language;
        const count = (n: number) => formatCount(Math.max(0, n), locale);
        this.#announcer.say(fill(strings.announce.done, { complete: count(tally.count('complete') - complete), failed: count(tally.count('error') - error) }));
      }
    }
    const complete = this.#restored.length + tally.count('complete');
    if (this.required && (running || complete === 0)) {
      // Looked up only when there is a message: this runs on every status change.
      const strings = this.#t;
      // The render root exists from the first connection; `lang` may be set before that.
      const anchor = (this.renderRoot as ParentNode | undefined)?.querySelector<HTMLElement>('button[part=button]') ?? undefined;
      if (running) this.#internals.setValidity({ customError: true }, strings.pending, anchor);
      else this.#internals.setValidity({ valueMissing: true }, strings.required, anchor);
    } else this.#internals.setValidity({});
    this.#setState('uploading', running);
    this.#setState('complete', tally.count('complete') > 0);
    this.#setState('error', tally.count('error') > 0);
    this.#queueFormValue();
  }

  /**
   * Hands the form value to the browser right after a change, so a form read after an event sees
   * it. Each time, every entry is copied: past a few hundred entries, that happens at most once per
   * 16 ms, so a completion does not cost more with more files listed (on a timer: a frame asked for
   * costs its paint and commit).
   */
  #queueFormValue(): void {
    if (this.#formValueQueued) return;
    this.#formValueQueued = true;
    const set = () => {
      this.#formValueQueued = false;
      const of = [this.name, this.#restored, this.#uploads.queue.tally.completedVersion];
      if (of.every((value, i) => value === this.#formValueOf[i])) return;
      this.#formValueOf = of;
      this.#formValueAt = performance.now();
      if (!this.name) return this.#internals.setFormValue(null);
      const value = new FormData();
      for (const entry of this.#restored) value.append(this.name, entry);
      for (const entry of this.#uploads.queue.tally.completed.values()) value.append(this.name, entry);
      this.#internals.setFormValue(value);
    };
    const { size } = this.#uploads.queue.tally.completed;
    if (size + this.#restored.length <= FORM_VALUE_AT_ONCE || performance.now() - this.#formValueAt > 16) queueMicrotask(set);
    else setTimeout(set, 16);
  }

  #setState(state: string, on: boolean): void {
    setCustomState(this.#internals, state, on);
  }
}
