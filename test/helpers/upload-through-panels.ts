// Runs in the demo page, opened by test/node/demo-engines.test.ts in each engine, which sends
// this function's source to the page: so it is self-contained (no imports at run time).
import type { PanelResult } from './panel-result.js';

/**
 * For each `<presigned-uploader>` on the page: a file it accepts (above its multipart threshold
 * when that is small enough to make here), set on its file input and announced with `change`, as
 * the picker does; `start()` for a `manual` one; then the upload's `upload-complete` or `upload-error`.
 */
export async function uploadThroughEveryPanel(tag: string): Promise<PanelResult[]> {
  type Uploader = HTMLElement & { manual: boolean; multipartEndpoint?: string; multipartThreshold: number; accept?: string; start(): void };
  await customElements.whenDefined('presigned-uploader');
  const uploaders = [...document.querySelectorAll<Uploader>('presigned-uploader')];
  const results: PanelResult[] = [];
  for (const [i, el] of uploaders.entries()) {
    const panel = el.closest('[data-setup]')?.getAttribute('data-setup') ?? `uploader ${i + 1}`;
    const threshold = el.multipartEndpoint ? el.multipartThreshold : Infinity;
    const size = threshold < 32 * 1024 * 1024 ? threshold + 1 : 64 * 1024;
    const accepted = (el.accept ?? '').split(',').map((token) => token.trim()).find(Boolean) ?? '';
    const [name, type] = accepted.startsWith('.')
      ? [`${tag}-${panel}${accepted}`, '']
      : accepted.startsWith('image/')
        ? [`${tag}-${panel}.png`, accepted.replace('*', 'png')]
        : [`${tag}-${panel}.txt`, accepted.includes('/') && !accepted.includes('*') ? accepted : 'text/plain'];
    const bytes = new Uint8Array(size).map((_, n) => n % 251);
    const file = new File([bytes], name, { type });
    const outcome = new Promise<PanelResult>((resolve) => {
      const done = (event: Event) => {
        const detail = (event as CustomEvent).detail as { file: File; key?: string; stage?: string; error?: unknown };
        if (detail.file.name !== name) return;
        el.removeEventListener('upload-complete', done);
        el.removeEventListener('upload-error', done);
        resolve(event.type === 'upload-complete' ? { panel, name, size, key: detail.key } : { panel, name, size, error: { stage: detail.stage, ...(detail.error as object) } });
      };
      el.addEventListener('upload-complete', done);
      el.addEventListener('upload-error', done);
    });
    const input = el.shadowRoot?.querySelector<HTMLInputElement>('input[type=file]');
    if (!input) throw new Error(`${panel}: the uploader has no file input`);
    const picked = new DataTransfer();
    picked.items.add(file);
    input.files = picked.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    if (el.manual) el.start();
    results.push(await outcome);
  }
  return results;
}

