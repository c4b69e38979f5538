import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { UploadSnapshot, UploadStatus } from './engine/upload-queue.js';
import type { FileRejectDetail, PresignedUploaderEventMap, UploadErrorDetail, UploadProgressDetail } from './events.js';
import { dictionaryFor, fill, mergeStrings, type PartialStrings, type UploaderStrings } from './i18n/strings.js';
import { styles } from './presigned-uploader.styles.js';
import { Announcer } from './ui/announcer.js';
import { closestLang, intlLocale } from './ui/closest-lang.js';
import { formatDuration, formatPercent, formatSize, formatSpeed } from './ui/format.js';
import { setCustomState } from './ui/custom-states.js';
import { afterNextFrame } from './ui/next-frame.js';
import { SpeedMeter } from './ui/speed-meter.js';
import { Thumbnails } from './ui/thumbnails.js';
import { UploadController } from './upload-controller.js';

const ACTIVE: ReadonlySet<UploadStatus> = new Set(['queued', 'signing', 'uploading', 'registering']);

type AnyDetail = Partial<UploadProgressDetail & UploadErrorDetail & FileRejectDetail> & { id: string; file: File };

/** Restored form values have no upload id of their own; this prefix keeps their row ids apart. */
const RESTORED = 'restored:';
const DEFAULT_MULTIPART_THRESHOLD = 100 * 1024 * 1024;
const ROW_BATCH = 200;
/** The announcement of each way an upload ends. */
const ENDINGS = { 'upload-complete': 'complete', 'upload-error': 'error', 'upload-abort': 'abort' } as const;

interface Language {
  strings: UploaderStrings;
  /** A locale `Intl` takes. */
  locale: string;
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

/**
 * @summary Uploads files from the browser straight to S3-compatible storage: presigned POST or PUT, multipart for big files.
 *
 * @fires file-reject - Client validation refused a file. detail: `{ id, file, reason }`.
 * @fires upload-start - The sign request is about to go out. detail: `{ id, file }`.
 * @fires upload-progress - Bytes went out (at most once per frame per file). detail: `{ id, file, loaded, total, percent }`.
 * @fires upload-complete - Stored, and registered when `register-endpoint` is set. detail: `{ id, file, key, location?, etag?, fileId?, registration? }`.
 * @fires upload-error - A step failed for good. detail: `{ id, file, stage, error: { code?, message, status? } }`.
 * @fires upload-abort - An upload was cancelled. detail: `{ id, file }`.
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
 * @csspart action - The cancel, retry, remove and dismiss buttons.
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
 * Custom states: `:state(uploading)`, `:state(complete)`, `:state(error)`, `:state(dragover)`.
 */
export class PresignedUploaderElement extends LitElement {
  static override styles = styles;
  static formAssociated = true;
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override get observedAttributes(): string[] {
    // `lang` is the DOM's own property; observing it re-renders in the new language.
    return [...super.observedAttributes, 'lang'];
  }

  /** URL of the sign ("ask permission to upload") endpoint. */
  @property() endpoint = '';
  /** URL of the register endpoint; absent: no register step. */
  @property({ attribute: 'register-endpoint' }) registerEndpoint?: string;
  /** URL of the multipart endpoint: files above `multipart-threshold` go up in parts through it. */
  @property({ attribute: 'multipart-endpoint' }) multipartEndpoint?: string;
  /** Bytes above which a file goes up in parts, when `multipart-endpoint` is set (default 100 MiB). */
  @property({ attribute: 'multipart-threshold', type: Number }) multipartThreshold = DEFAULT_MULTIPART_THRESHOLD;
  /** JSON template of the sign request body. */
  @property({ attribute: 'sign-body' }) signBody?: string;
  /** JSON template of the register request body. */
  @property({ attribute: 'register-body' }) registerBody?: string;
  /** Accepted types, as on `<input type=file>`: MIME types, `type/*`, extensions. */
  @property() accept = '';
  /** Largest file size in bytes; larger files are refused before any request. */
  @property({ attribute: 'max-size', type: Number }) maxSize?: number;
  /** Most files in the list at once. */
  @property({ attribute: 'max-files', type: Number }) maxFiles?: number;
  /** The picker and drop take more than one file. */
  @property({ type: Boolean }) multiple = false;
  /** Uploads in flight at once. */
  @property({ type: Number }) concurrency = 3;
  /** Retries of a retryable failure. */
  @property({ type: Number }) retries = 3;
  /** Base delay of the exponential retry backoff, in ms. */
  @property({ attribute: 'retry-delay', type: Number }) retryDelay = 1000;
  /** Ms without upload progress before an upload is given up and retried; 0: never. */
  @property({ attribute: 'stall-timeout', type: Number }) stallTimeout = 30_000;
  /** Queue files and wait for `start()`. */
  @property({ type: Boolean }) manual = false;
  /** No picking, dropping or adding files. */
  @property({ type: Boolean }) disabled = false;
  /** Form field name: each completed file adds an entry (its fileId, else its key). */
  @property() name?: string;
  /** The form is invalid until a file is complete, and while an upload runs. */
  @property({ type: Boolean }) required = false;
  /** Extra headers for the sign and register requests only; never sent to storage. */
  @property({ attribute: false }) headers: Record<string, string> = {};
  /** Adds a "Choose a folder" button whose picker takes a whole directory. */
  @property({ type: Boolean }) directory = false;
  /** Renders no UI but a default slot: the page draws its own from the events and `files`. */
  @property({ type: Boolean }) headless = false;
  /** Partial overrides of the UI strings, deep-merged over the language picked by `lang`. */
  @property({ attribute: false }) strings: PartialStrings = {};

  readonly #internals = this.attachInternals();
  readonly #announcer = new Announcer();
  readonly #meter = new SpeedMeter();
  readonly #thumbnails = new Thumbnails();
  /** Rows rendered so far; grows by a batch per frame (see #growRows). */
  #rowLimit = ROW_BATCH;
  #growing = false;
  #formDisabled = false;
  #syncedRevision = -1;
  /** The files as this update sees them: one snapshot list shared by render() and updated(). */
  #files: UploadSnapshot[] = [];
  /** Form values the browser restored (back/forward, session restore): files this page never saw. */
  #restored: string[] = [];
  #merged?: Language & { lang: string; override: PartialStrings };
  readonly #onPaste = (event: ClipboardEvent): void => {
    const files = event.clipboardData?.files;
    if (!files?.length || this.#isDisabled) return;
    event.preventDefault();
    this.#addPicked(files);
  };
  readonly #uploads = new UploadController(this, {
    queue: () => ({
      concurrency: finite(this.concurrency) ?? 3,
      retries: Math.max(0, finite(this.retries) ?? 3),
      baseDelay: Math.max(0, finite(this.retryDelay) ?? 1000),
      manual: this.manual,
      stallTimeout: Math.max(0, finite(this.stallTimeout) ?? 30_000),
      multipartThreshold: Math.max(0, finite(this.multipartThreshold) ?? DEFAULT_MULTIPART_THRESHOLD),
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

  /** Adds files as the picker, drop and paste do; each is validated, then queued or refused. */
  addFiles(files: Iterable<File>): void {
    if (this.#isDisabled) return;
    this.#uploads.add(files, { accept: this.accept, maxSize: finite(this.maxSize), maxFiles: finite(this.maxFiles) });
  }

  /** Starts the files a `manual` uploader holds. */
  start(): void {
    this.#uploads.queue.start();
  }

  /** Cancels one upload by id, or all; cancelled files stay listed as `aborted`. */
  cancel(id?: string): void {
    this.#uploads.queue.cancel(id);
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
    this.#uploads.rejected = [];
    this.#restored = [];
    this.#resyncForm();
  }

  formDisabledCallback(disabled: boolean): void {
    this.#formDisabled = disabled;
    this.requestUpdate();
  }

  /** The browser hands back the value of an earlier visit: its completed keys/ids stay the value until removed. */
  formStateRestoreCallback(state: string | File | FormData | null): void {
    const values = state instanceof FormData ? [...state.values()] : [state];
    this.#restored = values.filter((value): value is string => typeof value === 'string' && value !== '');
    this.#resyncForm();
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.#resyncForm();
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

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.#files = this.files;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (changed.has('concurrency')) this.#uploads.queue.pump();
    this.#growRows();
    // Progress re-renders every frame; the list, the form value and the states only change with a status.
    const changes = ['name', 'required', 'strings', 'headless'] as const;
    if (this.#uploads.revision !== this.#syncedRevision || changes.some((name) => changed.has(name))) {
      this.#syncedRevision = this.#uploads.revision;
      this.#thumbnails.keep(this.headless ? [] : this.#files.map((upload) => upload.id));
      this.#syncForm();
    }
  }

  /** Makes the next update set the form value, validity and states again. */
  #resyncForm(): void {
    this.#syncedRevision = -1;
    this.requestUpdate();
  }

  /**
   * A thousand files added at once would be a thousand rows built in one task (about 200 ms):
   * rows are added a batch per frame instead, so the page stays responsive.
   */
  #growRows(): void {
    if (this.#rowLimit >= this.#files.length || this.#growing) return;
    this.#growing = true;
    afterNextFrame(() => {
      this.#growing = false;
      this.#rowLimit += ROW_BATCH;
      this.requestUpdate();
    });
  }

  protected override render() {
    if (this.headless) return html`<slot></slot>`;
    const { strings: t, locale } = this.#language;
    const disabled = this.#isDisabled;
    const files = this.#files;
    const restored = this.#restored;
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
          ?multiple=${this.multiple}
          ?disabled=${disabled}
          @change=${this.#onPicked}
        />
        ${this.directory
          ? html`<input class="directory" type="file" hidden tabindex="-1" webkitdirectory ?disabled=${disabled} @change=${this.#onPicked} />`
          : nothing}
      </div>
      ${files.length > 0 || restored.length > 0
        ? html`<ul part="file-list" aria-label=${t.fileList}>
            ${repeat(
              files.length > this.#rowLimit ? files.slice(0, this.#rowLimit) : files,
              (upload) => upload.id,
              // A row is rebuilt only when its file changed: with many files, most rows are idle.
              (upload) => guard([upload.status, upload.loaded, upload.total, upload.error, t], () => this.#renderFile(upload, t, locale)),
            )}
            ${restored.map((value) => this.#renderRestored(value, t))}
          </ul>`
        : nothing}
      ${files.length > 1 ? this.#renderTotal(files, t, locale) : nothing}
      ${this.#uploads.rejected.map(
        ({ id, file, reason }) => html`<p part="error" class="rejected" data-id=${id}>
          <span>${file.name}: ${t.reject[reason]}</span>
          <button part="action" type="button" @click=${() => this.#dismiss(id)}>${t.dismiss}</button>
        </p>`,
      )}
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.#announcer.message}</div>
    `;
  }

  #renderFile({ id, file, status, loaded, total, error }: UploadSnapshot, t: UploaderStrings, locale: string) {
    const active = ACTIVE.has(status);
    const thumbnail = this.#thumbnails.get(id, file);
    const nameId = `name-${id}`;
    return html`<li part="file" class="file ${status}" data-id=${id}>
      ${thumbnail
        ? html`<img part="thumbnail" class="thumbnail" src=${thumbnail} alt="" />`
        : html`<span part="thumbnail" class="thumbnail badge" aria-hidden="true">${extension(file.name)}</span>`}
      <span class="info">
        <span part="file-name" class="name" id=${nameId}>${file.name}</span>
        <span part="meta" class="meta">${this.#meta(id, status, loaded, total, t, locale)}</span>
      </span>
      <span part="status" class="status">${t.status[status]}</span>
      <span class="actions">
        ${active ? this.#action(t.cancel, nameId, () => this.cancel(id)) : nothing}
        ${status === 'error' || status === 'aborted' ? this.#action(t.retry, nameId, () => this.retry(id)) : nothing}
        ${active ? nothing : this.#action(t.remove, nameId, () => this.#removeRow(id))}
      </span>
      <progress part="progress" max=${total || 1} .value=${total ? loaded : status === 'complete' ? 1 : 0}
        aria-labelledby=${nameId}></progress>
      ${error ? html`<span part="error" class="error">${error.message}</span>` : nothing}
    </li>`;
  }

  #renderRestored(value: string, t: UploaderStrings) {
    const id = `${RESTORED}${value}`;
    const nameId = `name-${id}`;
    return html`<li part="file" class="file complete restored" data-id=${id}>
      <span part="thumbnail" class="thumbnail badge" aria-hidden="true">✓</span>
      <span class="info">
        <span part="file-name" class="name" id=${nameId}>${value}</span>
        <span part="meta" class="meta">${t.restored}</span>
      </span>
      <span part="status" class="status">${t.status.complete}</span>
      <span class="actions">${this.#action(t.remove, nameId, () => this.#removeRow(id))}</span>
    </li>`;
  }

  #renderTotal(files: UploadSnapshot[], t: UploaderStrings, locale: string) {
    // A failed or cancelled file sends nothing more until retried; counting it would stall the bar.
    const counted = files.filter((upload) => upload.status !== 'aborted' && upload.status !== 'error');
    const loaded = counted.reduce((sum, upload) => sum + (upload.status === 'complete' ? upload.total : upload.loaded), 0);
    const total = counted.reduce((sum, upload) => sum + upload.total, 0);
    return html`<div part="total" class="total">
      <span class="total-label" id="total-label">${t.total}</span>
      <span class="meta">${fill(t.sizeProgress, { loaded: formatSize(loaded, locale), total: formatSize(total, locale) })}</span>
      <progress part="total-progress" aria-labelledby="total-label" max=${total || 1} .value=${loaded}></progress>
    </div>`;
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

  /** Feeds the speed meter and the live region from the events the controller fires. */
  #observe(type: keyof PresignedUploaderEventMap, { id, file, loaded, total, percent, error, reason }: AnyDetail): void {
    const { name } = file;
    switch (type) {
      case 'upload-start':
        this.#meter.forget(id);
        this.#announcer.forget(id);
        this.#announcer.say(fill(this.#t.announce.start, { name }));
        break;
      case 'upload-progress': {
        // Once per frame per file: the detail carries the numbers, and the language is looked up
        // only when a milestone is told.
        this.#meter.sample(id, loaded ?? 0, total ?? 0);
        const mark = this.#announcer.milestone(id, percent ?? 0);
        if (mark === undefined) break;
        const { strings, locale } = this.#language;
        this.#announcer.say(fill(strings.announce.progress, { name, percent: formatPercent(mark, locale) }));
        break;
      }
      case 'upload-complete':
      case 'upload-error':
      case 'upload-abort':
        this.#meter.forget(id);
        this.#announcer.say(fill(this.#t.announce[ENDINGS[type]], { name, message: error?.message ?? '' }));
        break;
      case 'file-reject': {
        const t = this.#t;
        this.#announcer.say(fill(t.announce.reject, { name, reason: reason ? t.reject[reason] : '' }));
        break;
      }
    }
    this.requestUpdate();
  }

  /** Removes a row, then puts focus where the keyboard user expects it: the next row, else the pick button. */
  async #removeRow(id: string): Promise<void> {
    const rows = [...this.renderRoot.querySelectorAll<HTMLElement>('li[data-id]')];
    const next = rows[rows.findIndex((row) => row.dataset.id === id) + 1]?.dataset.id;
    if (id.startsWith(RESTORED)) {
      this.#restored = this.#restored.filter((value) => `${RESTORED}${value}` !== id);
      this.#resyncForm();
    } else {
      this.removeFile(id);
    }
    await this.updateComplete;
    this.#focusRowOrPicker('li', next);
  }

  async #dismiss(id: string): Promise<void> {
    const rows = [...this.renderRoot.querySelectorAll<HTMLElement>('.rejected[data-id]')];
    const next = rows[rows.findIndex((row) => row.dataset.id === id) + 1]?.dataset.id;
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
    this.#addPicked(input.files, input.webkitdirectory || this.multiple);
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
    this.#addPicked(event.dataTransfer?.files ?? null);
  }

  /** The picker, drop and paste honour `multiple`: without it, the files after the first are refused. */
  #addPicked(files: FileList | null, many = this.multiple): void {
    if (!files || this.#isDisabled) return;
    this.#uploads.add(files, {
      accept: this.accept,
      maxSize: finite(this.maxSize),
      maxFiles: finite(this.maxFiles),
      single: !many,
    });
  }

  #syncForm(): void {
    const files = this.#files;
    const strings = this.#t;
    const complete = [
      ...this.#restored,
      ...files.filter((upload) => upload.status === 'complete').map((upload) => String(upload.fileId ?? upload.key ?? '')),
    ];
    if (this.name) {
      const value = new FormData();
      for (const entry of complete) value.append(this.name, entry);
      this.#internals.setFormValue(value);
    } else {
      this.#internals.setFormValue(null);
    }
    const running = files.some((upload) => ACTIVE.has(upload.status));
    const anchor = this.renderRoot.querySelector<HTMLElement>('button[part=button]') ?? undefined;
    if (this.required && running) this.#internals.setValidity({ customError: true }, strings.pending, anchor);
    else if (this.required && complete.length === 0) this.#internals.setValidity({ valueMissing: true }, strings.required, anchor);
    else this.#internals.setValidity({});
    for (const status of ['uploading', 'complete', 'error'] as const) {
      this.#setState(status, status === 'uploading' ? running : files.some((upload) => upload.status === status));
    }
  }

  #setState(state: string, on: boolean): void {
    setCustomState(this.#internals, state, on);
  }
}
