import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { PresignedUploaderElement } from '../../src/presigned-uploader-element.js';
import { skipIn } from '../helpers/engine.js';
import { makeFile } from '../helpers/files.js';
import { uploader } from '../helpers/uploader.js';

// The virtual file list and the sliced add: with ten thousand files listed, the shadow DOM holds
// what is in view, scrolling and keyboard focus work, and adding them never takes the page in one go.
// `manual` keeps the files queued: nothing here needs the network.

const files = (count: number, type = 'text/plain') => Array.from({ length: count }, (_, i) => new File(['x'], `f-${i}.txt`, { type }));
const list = (el: PresignedUploaderElement) => el.shadowRoot!.querySelector<HTMLElement>('[part=file-list]')!;
const rowNames = (el: PresignedUploaderElement) => [...list(el).querySelectorAll('li')].map((row) => row.querySelector('[part=file-name]')!.textContent);
const nodes = (el: PresignedUploaderElement) => el.shadowRoot!.querySelectorAll('*').length;

/** Adds files and waits until the last slice listed them, and the DOM followed. */
async function addAll(el: PresignedUploaderElement, added: File[]): Promise<void> {
  const before = el.files.length;
  el.addFiles(added);
  await waitUntil(() => el.files.length >= before + added.length, 'the files were not all listed', { timeout: 10_000 });
  await el.updateComplete;
}

/** Scrolls the list and waits for the window to follow. */
async function scrollListTo(el: PresignedUploaderElement, top: number): Promise<void> {
  const scrolled = oneEvent(list(el), 'scroll');
  list(el).scrollTop = top;
  await scrolled;
  await el.updateComplete;
}

describe('<presigned-uploader> with thousands of files', () => {
  it('keeps the shadow DOM as small with 10,000 files as with 50', async () => {
    const small = await uploader('endpoint="/api/sign" manual');
    await addAll(small, files(50));
    const large = await uploader('endpoint="/api/sign" manual');
    await addAll(large, files(10_000));
    expect(large.files).to.have.length(10_000);
    expect(nodes(large)).to.be.at.most(2 * nodes(small));
    expect(list(large).querySelectorAll('li').length).to.be.below(60);
  });

  it('shows the last file when scrolled to the end, with its place in the whole list', async () => {
    const el = await uploader('endpoint="/api/sign" manual');
    await addAll(el, files(10_000));
    expect(rowNames(el)[0]).to.equal('f-0.txt');
    await scrollListTo(el, list(el).scrollHeight);
    const last = [...list(el).querySelectorAll('li')].at(-1)!;
    expect(last.querySelector('[part=file-name]')!.textContent).to.equal('f-9999.txt');
    expect(last.getAttribute('aria-posinset')).to.equal('10000');
    expect(last.getAttribute('aria-setsize')).to.equal('10000');
    expect(rowNames(el)).not.to.include('f-0.txt');
    const box = last.getBoundingClientRect();
    const view = list(el).getBoundingClientRect();
    expect(box.bottom).to.be.at.most(view.bottom + 1);
    expect(box.top).to.be.at.least(view.top);
  });

  skipIn(['webkit'], 'WebKit scrolls the list back to the focused row when the window moves: open, see README "Browsers"')('keeps a focused row while it scrolls out of view', async () => {
    const el = await uploader('endpoint="/api/sign" manual');
    await addAll(el, files(2_000));
    const cancelOf = (name: string) =>
      [...list(el).querySelectorAll('li')].find((row) => row.querySelector('[part=file-name]')!.textContent === name)?.querySelector('button');
    cancelOf('f-1.txt')!.focus();
    await scrollListTo(el, list(el).scrollHeight / 2);
    expect(cancelOf('f-1.txt'), 'the focused row is still rendered').to.exist;
    expect(el.shadowRoot!.activeElement?.closest('li')?.dataset.id).to.equal(el.files[1]!.id);
    expect(rowNames(el), `rows at scrollTop ${list(el).scrollTop} of ${list(el).scrollHeight}`).to.include('f-1000.txt');
    // Once focus moves elsewhere, the row leaves with the window.
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[part=button]')!.focus();
    el.requestUpdate();
    await el.updateComplete;
    expect(cancelOf('f-1.txt'), 'a row that lost focus leaves with the window').to.not.exist;
  });

  it('places the rows anew when their height changes after the first render (a font that loads late)', async () => {
    const el = await uploader('endpoint="/api/sign" manual');
    await addAll(el, files(20));
    const [first, second] = list(el).querySelectorAll<HTMLElement>('li');
    const height = first!.offsetHeight;
    const gap = second!.offsetTop - first!.offsetTop - height;
    el.style.fontSize = '40px';
    await waitUntil(() => {
      const [a, b] = list(el).querySelectorAll<HTMLElement>('li');
      return b!.offsetTop - a!.offsetTop - a!.offsetHeight === gap;
    }, 'the rows overlap after they grew');
    expect(list(el).querySelector('li')!.offsetHeight).to.be.greaterThan(height);
  });

  it('moves keyboard focus from row to row with Tab, past the rows first rendered', async () => {
    const el = await uploader('endpoint="/api/sign" manual');
    await addAll(el, files(2_000));
    const activeName = () => el.shadowRoot!.activeElement?.closest('li')?.querySelector('[part=file-name]')?.textContent;
    list(el).querySelector('button')!.focus();
    const rendered = list(el).querySelectorAll('li').length;
    // Each row has as many buttons as the first (Pause and Cancel while queued): Tab passes them all.
    const perRow = list(el).querySelector('li')!.querySelectorAll('button').length;
    for (let i = 1; i <= rendered + 10; i++) {
      for (let press = 0; press < perRow; press++) await sendKeys({ press: 'Tab' });
      await el.updateComplete;
      expect(activeName()).to.equal(`f-${i}.txt`);
    }
  });

  it('stays accessible with a long list', async () => {
    const el = await uploader('endpoint="/api/sign" manual multiple');
    await addAll(el, files(3_000));
    await scrollListTo(el, 40_000);
    await expect(el).to.be.accessible();
  });

  it('adds 10,000 files in slices, in order, with their refusals in order too', async () => {
    const el = await uploader('endpoint="/api/sign" manual accept="text/plain"');
    const picked = files(10_000).map((file, i) => (i % 1000 === 999 ? new File(['x'], `bad-${i}.png`, { type: 'image/png' }) : file));
    const refused: string[] = [];
    el.addEventListener('file-reject', (event) => refused.push(event.detail.file.name));
    el.addFiles(picked);
    // The first slice ran within the call; the rest follow in later tasks (how many slices is a
    // matter of the engine's speed: the bench measures the longest task).
    expect(el.files.length).to.be.above(0);
    await waitUntil(() => el.files.length === 9_990, 'not all files were listed', { timeout: 10_000 });
    expect(el.files.map((upload) => upload.file.name)).to.deep.equal(picked.filter((file) => file.type === 'text/plain').map((file) => file.name));
    expect(refused).to.deep.equal(picked.filter((file) => file.type !== 'text/plain').map((file) => file.name));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[aria-live=polite]')!.textContent).to.contain('9,990 files added. 10 files refused.');
  });

  it('runs the first uploads while a big batch is still being added', async () => {
    const el = await uploader('endpoint="/api/sign"');
    const started = oneEvent(el, 'upload-start');
    el.addFiles(files(10_000));
    // upload-start fires within the first slice, before addFiles returns.
    const first = await Promise.race([started, Promise.resolve(undefined)]);
    expect(first?.detail.file.name).to.equal('f-0.txt');
    el.removeFile();
    expect(el.files).to.have.length(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(el.files, 'the slices still waiting went with removeFile()').to.have.length(0);
  });
});
