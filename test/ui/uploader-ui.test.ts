import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { PresignedUploaderElement } from '../../src/presigned-uploader-element.js';
import { makeFile } from '../helpers/files.js';
import { delay, http, HttpResponse, worker } from '../helpers/msw.js';
import { settle, uploader } from '../helpers/uploader.js';

const STORAGE = 'https://storage.test/bucket';
const awsAnswer = { url: STORAGE, fields: { key: 'uploads/${filename}', Policy: 'P', 'X-Amz-Signature': 'S' } };

/** Sign and storage that succeed; `sign` may be replaced per test. */
function mockUploads(sign: () => Response | Promise<Response> = () => HttpResponse.json(awsAnswer)) {
  worker.use(
    http.post('/api/sign', sign),
    http.post(STORAGE, () => new HttpResponse(null, { status: 204 })),
  );
}

const shadow = (el: PresignedUploaderElement) => el.shadowRoot!;
const $ = <T extends Element = HTMLElement>(el: PresignedUploaderElement, selector: string) => shadow(el).querySelector<T>(selector);

/** Counts the times a file picker would open (the dialog itself is suppressed). */
function countPickerOpens(el: PresignedUploaderElement, input = 'input[type=file]'): () => number {
  let opened = 0;
  $<HTMLInputElement>(el, input)!.addEventListener('click', (event) => {
    opened++;
    event.preventDefault();
  });
  return () => opened;
}
const $$ = <T extends Element = HTMLElement>(el: PresignedUploaderElement, selector: string) => [...shadow(el).querySelectorAll<T>(selector)];
const liveRegion = (el: PresignedUploaderElement) => $(el, '[aria-live=polite]')!;
// Assertions compare strings, numbers and booleans: a failing comparison of a DOM node makes the
// runner serialise the node, which can take the browser down instead of reporting the failure.
const buttonsOf = (row: Element) => [...row.querySelectorAll('button')].map((button) => button.textContent!.trim());

describe('<presigned-uploader> UI', () => {
  beforeEach(() => localStorage.clear());

  describe('accessibility in every state', () => {
    it('idle', async () => {
      const el = await uploader('endpoint="/api/sign" multiple directory');
      await expect(el).to.be.accessible();
    });

    it('queued, with thumbnails, sizes and a total bar', async () => {
      const el = await uploader('endpoint="/api/sign" manual multiple');
      el.addFiles([makeFile('a.jpg'), makeFile('notes.txt', 2000, 'text/plain')]);
      await el.updateComplete;
      expect($$(el, 'li[part=file]').length).to.equal(2);
      expect($$(el, '[part=total-progress]').length).to.equal(1);
      expect($(el, '[part=meta]')!.textContent).to.equal('1 kB');
      await expect(el).to.be.accessible();
    });

    it('uploading', async () => {
      mockUploads(async () => {
        await delay('infinite');
        return HttpResponse.json(awsAnswer);
      });
      const el = await uploader('endpoint="/api/sign"');
      const started = oneEvent(el, 'upload-start');
      el.addFiles([makeFile()]);
      await started;
      await el.updateComplete;
      expect(el.matches(':state(uploading)')).to.equal(true);
      expect(buttonsOf($(el, 'li')!)).to.deep.equal(['Pause', 'Cancel']);
      await expect(el).to.be.accessible();
      el.cancel();
    });

    it('paused, with resume buttons that keep the keyboard focus', async () => {
      const el = await uploader('endpoint="/api/sign" manual multiple');
      el.addFiles([makeFile('a.jpg'), makeFile('b.jpg')]);
      await el.updateComplete;
      const pauseAll = $(el, '[part=total] button') as HTMLButtonElement;
      expect(pauseAll.textContent).to.equal('Pause all');
      pauseAll.focus();
      pauseAll.click();
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement === pauseAll, 'focus stays on the same button, relabelled').to.equal(true);
      expect(pauseAll.textContent).to.equal('Resume all');
      expect(buttonsOf($(el, 'li')!)).to.deep.equal(['Resume', 'Cancel']);
      await expect(el).to.be.accessible();
      const resume = $(el, 'li button') as HTMLButtonElement;
      resume.focus();
      resume.click();
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement === resume, 'focus stays on the row\'s button').to.equal(true);
      expect(resume.textContent).to.equal('Pause');
    });

    it('complete', async () => {
      mockUploads();
      const el = await uploader('endpoint="/api/sign"');
      await settle(el, [makeFile()]);
      await el.updateComplete;
      expect(el.matches(':state(complete)')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('error, told once by the live region and not by a role=alert per row', async () => {
      mockUploads(() => HttpResponse.json({ message: 'No room left' }, { status: 400 }));
      const el = await uploader('endpoint="/api/sign"');
      await settle(el, [makeFile('a.jpg')]);
      await el.updateComplete;
      expect(el.matches(':state(error)')).to.equal(true);
      expect($(el, '[part=error]')!.textContent).to.contain('No room left');
      expect($$(el, '[role=alert]').length).to.equal(0);
      expect(liveRegion(el).textContent).to.contain('a.jpg failed: ');
      expect(liveRegion(el).textContent).to.contain('No room left');
      expect(buttonsOf($(el, 'li')!)).to.deep.equal(['Retry', 'Remove']);
      await expect(el).to.be.accessible();
    });

    it('rejected, saying why', async () => {
      const el = await uploader('endpoint="/api/sign" max-size="10"');
      el.addFiles([makeFile('big.jpg', 100)]);
      await el.updateComplete;
      expect($(el, '[part=error].rejected')!.textContent).to.contain('big.jpg: This file is too large.');
      expect(liveRegion(el).textContent).to.equal('big.jpg refused: This file is too large.');
      await expect(el).to.be.accessible();
    });

    it('dragover', async () => {
      const el = await uploader('endpoint="/api/sign"');
      $(el, '[part=drop-zone]')!.dispatchEvent(new DragEvent('dragover', { dataTransfer: new DataTransfer(), cancelable: true }));
      expect(el.matches(':state(dragover)')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('headless', async () => {
      const el = await fixture<PresignedUploaderElement>(html`<presigned-uploader endpoint="/api/sign" headless manual>
        <button type="button">My own picker</button>
      </presigned-uploader>`);
      await expect(el).to.be.accessible();
    });
  });

  // The contract: events fire at once, the DOM may trail by a frame, and `await el.updateComplete`
  // after an event gives the DOM for the state the event announced.
  it('shows the state an event announced once updateComplete resolves after it', async () => {
    mockUploads();
    const el = await uploader('endpoint="/api/sign"');
    const seen: string[] = [];
    el.addEventListener('upload-complete', async () => {
      await el.updateComplete;
      const row = $(el, '[part=file]')!;
      seen.push(`${row.querySelector('[part=status]')!.textContent} ${row.querySelector<HTMLProgressElement>('[part=progress]')!.value}`);
    });
    await settle(el, [makeFile('a.jpg', 1024)]);
    await waitUntil(() => seen.length === 1);
    expect(seen).to.deep.equal(['Uploaded 1024']);
  });

  it('shows the state an event announced within the next animation frames, without waiting for updateComplete', async () => {
    mockUploads();
    const el = await uploader('endpoint="/api/sign"');
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const seen: string[] = [];
    el.addEventListener('upload-complete', async () => {
      // The handler's own frame request comes before the element's: the render lands by the second.
      await frame();
      await frame();
      seen.push($(el, '[part=file] [part=status]')!.textContent!);
    });
    await settle(el, [makeFile('a.jpg', 1024)]);
    await waitUntil(() => seen.length === 1);
    expect(seen).to.deep.equal(['Uploaded']);
  });

  it('announces start and completion in the polite live region', async () => {
    // A sign answer that takes a while, so the start has a frame of its own to be shown in.
    mockUploads(async () => {
      await delay(300);
      return HttpResponse.json(awsAnswer);
    });
    const el = await uploader('endpoint="/api/sign"');
    const region = liveRegion(el);
    expect(region.getAttribute('role')).to.equal('status');
    const started = oneEvent(el, 'upload-start');
    const done = oneEvent(el, 'upload-complete');
    el.addFiles([makeFile('cat.jpg')]);
    await started;
    await el.updateComplete;
    expect(region.textContent).to.equal('Uploading cat.jpg.');
    await done;
    await el.updateComplete;
    expect(region.textContent).to.equal('cat.jpg uploaded.');
  });

  describe('keyboard and focus', () => {

    it('picks with the keyboard alone: Tab to the button, Enter opens the picker', async () => {
      const el = await uploader('endpoint="/api/sign" manual');
      const opened = countPickerOpens(el);
      await sendKeys({ press: 'Tab' });
      expect(shadow(el).activeElement === $(el, 'button[part=button]')).to.equal(true);
      await sendKeys({ press: 'Enter' });
      expect(opened()).to.equal(1);
      // ' ', not 'Space': puppeteer's Firefox (BiDi) knows only the key's value.
      await sendKeys({ press: ' ' });
      expect(opened()).to.equal(2);
    });

    it('focus() on the element focuses its pick button (delegatesFocus)', async () => {
      const el = await uploader('endpoint="/api/sign" manual');
      el.focus();
      expect(document.activeElement === el).to.equal(true);
      expect(shadow(el).activeElement === $(el, 'button[part=button]')).to.equal(true);
    });

    it('a click on the drop zone itself picks too, once', async () => {
      const el = await uploader('endpoint="/api/sign" manual');
      const opened = countPickerOpens(el);
      $(el, '[part=drop-zone]')!.click();
      expect(opened()).to.equal(1);
      $(el, 'button[part=button]')!.click();
      expect(opened()).to.equal(2);
    });

    it('after a remove, focus goes to the next row, else to the pick button', async () => {
      const el = await uploader('endpoint="/api/sign" manual multiple');
      el.addFiles([makeFile('a.jpg'), makeFile('b.jpg'), makeFile('c.jpg')]);
      el.cancel();
      await el.updateComplete;
      const rows = $$(el, 'li');
      expect(buttonsOf(rows[0]!)).to.deep.equal(['Retry', 'Remove']);
      // Each row's buttons say which file they act on.
      const remove = rows[0]!.querySelectorAll('button')[1]!;
      expect($(el, `#${remove.getAttribute('aria-describedby')}`)!.textContent).to.equal('a.jpg');

      remove.click();
      await waitUntil(() => shadow(el).activeElement?.closest('li')?.textContent?.includes('b.jpg'));
      expect(shadow(el).activeElement!.textContent!.trim()).to.equal('Retry');

      const last = $$(el, 'li').at(-1)!;
      last.querySelectorAll('button')[1]!.click();
      await waitUntil(() => shadow(el).activeElement === $(el, 'button[part=button]'));
      expect(el.files.map((f) => f.file.name)).to.deep.equal(['b.jpg']);
    });
  });

  describe('languages', () => {
    it('speaks the language of the closest [lang], and its own lang first', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div lang="de-AT">
        <presigned-uploader endpoint="/api/sign" multiple manual></presigned-uploader>
      </div>`);
      const el = wrapper.querySelector('presigned-uploader')!;
      await el.updateComplete;
      expect($(el, 'button[part=button]')!.textContent!.trim()).to.equal('Dateien auswählen');
      el.addFiles([makeFile('a.jpg', 1_500_000)]);
      await el.updateComplete;
      expect($(el, '[part=status]')!.textContent).to.equal('Wartet');
      expect($(el, '[part=meta]')!.textContent).to.equal('1,5 MB');

      el.setAttribute('lang', 'fr');
      await el.updateComplete;
      expect($(el, 'button[part=button]')!.textContent!.trim()).to.equal('Choisir des fichiers');
      expect($(el, '[part=status]')!.textContent).to.equal('En attente');
      expect($(el, '[part=file-list]')!.getAttribute('aria-label')).to.equal('Envois');
    });

    it('falls back to English for a language it does not have', async () => {
      const el = await uploader('endpoint="/api/sign" lang="xx"');
      expect($(el, 'button[part=button]')!.textContent!.trim()).to.equal('Choose a file');
    });

    it('deep-merges the strings property over the language, including the validation message', async () => {
      const form = await fixture<HTMLFormElement>(html`<form lang="de"><presigned-uploader endpoint="/api/sign" name="f" required manual></presigned-uploader></form>`);
      const el = form.querySelector('presigned-uploader')!;
      await el.updateComplete;
      expect(el.validationMessage).to.equal('Bitte laden Sie eine Datei hoch.');
      el.strings = { pickOne: 'Foto wählen', status: { queued: 'In der Schlange' } };
      await el.updateComplete;
      expect($(el, 'button[part=button]')!.textContent!.trim()).to.equal('Foto wählen');
      el.addFiles([makeFile()]);
      await el.updateComplete;
      expect($(el, '[part=status]')!.textContent).to.equal('In der Schlange');
      expect(buttonsOf($(el, 'li')!)).to.deep.equal(['Pausieren', 'Abbrechen']);
      el.strings = { required: 'Ein Foto fehlt.' };
      el.removeFile();
      await el.updateComplete;
      expect(el.validationMessage).to.equal('Ein Foto fehlt.');
    });
  });

  describe('thumbnails', () => {
    let created: string[];
    let revoked: string[];
    const original = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };
    beforeEach(() => {
      created = [];
      revoked = [];
      URL.createObjectURL = (blob: Blob | MediaSource) => {
        const url = original.create(blob);
        created.push(url);
        return url;
      };
      URL.revokeObjectURL = (url: string) => {
        revoked.push(url);
        original.revoke(url);
      };
    });
    afterEach(() => {
      URL.createObjectURL = original.create;
      URL.revokeObjectURL = original.revoke;
    });

    it('previews images only, and revokes each object URL when its row leaves', async () => {
      const el = await uploader('endpoint="/api/sign" manual multiple');
      el.addFiles([makeFile('a.jpg'), makeFile('b.png', 10, 'image/png'), makeFile('c.pdf', 10, 'application/pdf')]);
      await el.updateComplete;
      const images = $$<HTMLImageElement>(el, 'img[part=thumbnail]');
      expect(images.map((img) => img.src)).to.deep.equal(created);
      expect(created.length).to.equal(2);
      expect($$(el, 'li')[2]!.querySelector('[part=thumbnail]')!.textContent).to.equal('PDF');
      el.removeFile(el.files[0]!.id);
      await el.updateComplete;
      expect(revoked).to.deep.equal([created[0]]);
    });

    it('revokes every object URL when the element leaves the page', async () => {
      const el = await uploader('endpoint="/api/sign" manual multiple');
      el.addFiles([makeFile('a.jpg'), makeFile('b.jpg')]);
      await el.updateComplete;
      el.remove();
      expect(revoked.sort()).to.deep.equal([...created].sort());
      expect(created.length).to.equal(2);
    });
  });

  describe('directory', () => {
    it('without the attribute, there is no folder picker', async () => {
      const el = await uploader('endpoint="/api/sign"');
      expect($$(el, '[part=directory-button]').length).to.equal(0);
      expect($$(el, 'input[webkitdirectory]').length).to.equal(0);
    });

    it('with it, a folder button opens a webkitdirectory picker whose files are all added, even without multiple', async () => {
      const el = await uploader('endpoint="/api/sign" directory manual');
      const input = $<HTMLInputElement>(el, 'input.directory')!;
      expect(input.webkitdirectory).to.equal(true);
      const opened = countPickerOpens(el, 'input.directory');
      $(el, '[part=directory-button]')!.click();
      expect(opened()).to.equal(1);
      const data = new DataTransfer();
      data.items.add(makeFile('a.jpg'));
      data.items.add(makeFile('b.jpg'));
      input.files = data.files;
      input.dispatchEvent(new Event('change'));
      expect(el.files.map((f) => f.file.name)).to.deep.equal(['a.jpg', 'b.jpg']);
    });
  });

  it('turns transitions off under prefers-reduced-motion', async () => {
    const el = await uploader('endpoint="/api/sign"');
    const rules = shadow(el).adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules]);
    const reduced = rules.filter((rule): rule is CSSMediaRule => rule instanceof CSSMediaRule && /prefers-reduced-motion:\s*reduce/.test(rule.conditionText));
    expect(reduced.length).to.equal(1);
    expect(reduced[0]!.cssText).to.match(/transition: none !important/);
    // And there is motion to turn off.
    expect(getComputedStyle($(el, '[part=drop-zone]')!).transitionDuration).to.not.equal('0s');
  });

  describe('headless', () => {
    it('renders only a slot for the page UI, and still uploads, fires events and takes part in forms', async () => {
      mockUploads();
      const form = await fixture<HTMLFormElement>(html`<form>
        <presigned-uploader endpoint="/api/sign" name="doc" headless><p>my UI</p></presigned-uploader>
      </form>`);
      const el = form.querySelector('presigned-uploader')!;
      await el.updateComplete;
      expect([...shadow(el).children].map((child) => child.localName)).to.deep.equal(['slot']);
      expect(el.textContent).to.contain('my UI');
      const done = await settle(el, [makeFile('a.jpg')]);
      expect(done.type).to.equal('upload-complete');
      expect(el.files[0]!.status).to.equal('complete');
      expect(new FormData(form).getAll('doc')).to.deep.equal(['uploads/a.jpg']);
      expect(el.matches(':state(complete)')).to.equal(true);
    });

    it('asks for no render as files move (it shows none), and lists them once its UI is turned on', async () => {
      mockUploads();
      const el = await fixture<PresignedUploaderElement>(html`<presigned-uploader endpoint="/api/sign" headless></presigned-uploader>`);
      await el.updateComplete;
      const pending: boolean[] = [];
      for (const type of ['file-reject', 'upload-start', 'upload-progress', 'upload-complete']) el.addEventListener(type, () => pending.push(el.isUpdatePending));
      el.maxFiles = 1;
      await el.updateComplete;
      await settle(el, [makeFile('a.jpg'), makeFile('b.jpg')]);
      expect(pending.length).to.be.at.least(4);
      expect(pending).to.not.include(true);
      el.headless = false;
      await el.updateComplete;
      expect($(el, 'li [part=file-name]')!.textContent).to.equal('a.jpg');
    });
  });

  describe('formStateRestoreCallback', () => {
    it('restores the completed keys as the value, lists them, and lets them be removed or reset', async () => {
      const form = await fixture<HTMLFormElement>(html`<form><presigned-uploader endpoint="/api/sign" name="doc" required></presigned-uploader></form>`);
      const el = form.querySelector('presigned-uploader')!;
      await el.updateComplete;
      expect(el.checkValidity()).to.equal(false);
      const state = new FormData();
      state.append('doc', 'uploads/a.jpg');
      state.append('doc', '111');
      el.formStateRestoreCallback(state);
      await el.updateComplete;
      expect(new FormData(form).getAll('doc')).to.deep.equal(['uploads/a.jpg', '111']);
      expect(el.checkValidity()).to.equal(true);
      expect($$(el, 'li [part=file-name]').map((name) => name.textContent)).to.deep.equal(['uploads/a.jpg', '111']);
      await expect(el).to.be.accessible();

      $$(el, 'li')[0]!.querySelector('button')!.click();
      await waitUntil(() => new FormData(form).getAll('doc').length === 1);
      expect(new FormData(form).getAll('doc')).to.deep.equal(['111']);
      form.reset();
      await el.updateComplete;
      expect(new FormData(form).getAll('doc')).to.deep.equal([]);
      expect($$(el, 'li').length).to.equal(0);
      expect(el.checkValidity()).to.equal(false);
    });
  });
});
