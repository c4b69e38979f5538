import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { UploadSnapshot, UploadStatus } from './engine/upload-queue.js';
import type { PresignedUploaderEventMap } from './events.js';
import { styles } from './presigned-uploader.styles.js';
import { strings } from './strings.js';
import { UploadController } from './upload-controller.js';

const ACTIVE: ReadonlySet<UploadStatus> = new Set(['queued', 'signing', 'uploading', 'registering']);

/** A number attribute that may be absent or garbage: only a finite value counts. */
function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/**
 * @summary Uploads files from the browser straight to S3-compatible storage with a presigned POST.
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
 *
 * @csspart drop-zone - The area that takes dropped files.
 * @csspart button - The pick button.
 * @csspart file-list - The list of files.
 * @csspart file - One file's row.
 * @csspart file-name - A file's name.
 * @csspart progress - A file's progress bar.
 * @csspart status - A file's status text.
 * @csspart error - A file's error message, or why a file was refused.
 * @csspart action - The cancel, retry, remove and dismiss buttons.
 *
 * @cssprop --presigned-uploader-accent - Progress bar and focus colour.
 * @cssprop --presigned-uploader-border - Border colour of the drop zone and rows.
 * @cssprop --presigned-uploader-error - Colour of error text.
 * @cssprop --presigned-uploader-radius - Corner radius.
 * @cssprop --presigned-uploader-gap - Space between parts.
 */
export class PresignedUploaderElement extends LitElement {
  static override styles = styles;
  static formAssociated = true;
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** URL of the sign ("ask permission to upload") endpoint. */
  @property() endpoint = '';
  /** URL of the register endpoint; absent: no register step. */
  @property({ attribute: 'register-endpoint' }) registerEndpoint?: string;
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

  readonly #internals = this.attachInternals();
  #formDisabled = false;
  #syncedRevision = -1;
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
    }),
    backend: () => ({
      endpoint: this.endpoint,
      registerEndpoint: this.registerEndpoint || undefined,
      signBody: this.signBody ?? undefined,
      registerBody: this.registerBody ?? undefined,
      headers: this.headers ?? {},
    }),
    emit: (type, detail) => this.#emit(type, detail),
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
  }

  formDisabledCallback(disabled: boolean): void {
    this.#formDisabled = disabled;
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
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (changed.has('concurrency')) this.#uploads.queue.pump();
    // Progress re-renders every frame; the form value and states only change with a status.
    if (this.#uploads.revision !== this.#syncedRevision || changed.has('name') || changed.has('required')) {
      this.#syncedRevision = this.#uploads.revision;
      this.#syncForm();
    }
  }

  protected override render() {
    const disabled = this.#isDisabled;
    const files = this.files;
    return html`
      <div
        part="drop-zone"
        class="drop-zone"
        @dragover=${this.#onDragOver}
        @dragleave=${this.#onDragLeave}
        @drop=${this.#onDrop}
      >
        <slot name="prompt">${strings.prompt}</slot>
        <button part="button" type="button" ?disabled=${disabled} @click=${this.#pick}>
          <slot name="button">${this.multiple ? strings.pick : strings.pickOne}</slot>
        </button>
        <input
          type="file"
          hidden
          tabindex="-1"
          accept=${this.accept || nothing}
          ?multiple=${this.multiple}
          ?disabled=${disabled}
          @change=${this.#onPicked}
        />
      </div>
      ${files.length > 0
        ? html`<ul part="file-list" aria-label=${strings.fileList}>
            ${repeat(files, (upload) => upload.id, (upload) => this.#renderFile(upload))}
          </ul>`
        : nothing}
      ${this.#uploads.rejected.map(
        ({ id, file, reason }) => html`<p part="error" class="rejected" role="alert">
          <span>${file.name}: ${strings.reject[reason]}</span>
          <button part="action" type="button" @click=${() => this.#uploads.dismiss(id)}>${strings.dismiss}</button>
        </p>`,
      )}
    `;
  }

  #renderFile({ id, file, status, loaded, total, error }: UploadSnapshot) {
    const active = ACTIVE.has(status);
    return html`<li part="file" class=${status}>
      <span part="file-name" class="name">${file.name}</span>
      <progress part="progress" max=${total || 1} .value=${total ? loaded : status === 'complete' ? 1 : 0}
        aria-label=${file.name}></progress>
      <span part="status" class="status">${strings.status[status]}</span>
      ${error ? html`<span part="error" class="error" role="alert">${error.message}</span>` : nothing}
      <span class="actions">
        ${active ? html`<button part="action" type="button" @click=${() => this.cancel(id)}>${strings.cancel}</button>` : nothing}
        ${status === 'error' || status === 'aborted'
          ? html`<button part="action" type="button" @click=${() => this.retry(id)}>${strings.retry}</button>`
          : nothing}
        ${active ? nothing : html`<button part="action" type="button" @click=${() => this.removeFile(id)}>${strings.remove}</button>`}
      </span>
    </li>`;
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

  #pick(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  }

  #onPicked(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.#addPicked(input.files);
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
  #addPicked(files: FileList | null): void {
    if (!files || this.#isDisabled) return;
    this.#uploads.add(files, {
      accept: this.accept,
      maxSize: finite(this.maxSize),
      maxFiles: finite(this.maxFiles),
      single: !this.multiple,
    });
  }

  #syncForm(): void {
    const files = this.files;
    const complete = files.filter((upload) => upload.status === 'complete');
    if (this.name) {
      const value = new FormData();
      for (const upload of complete) value.append(this.name, String(upload.fileId ?? upload.key ?? ''));
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
    // Custom states are missing in older browsers; they only add styling hooks.
    const states = this.#internals.states as Set<string> | undefined;
    if (!states) return;
    if (on) states.add(state);
    else states.delete(state);
  }
}
