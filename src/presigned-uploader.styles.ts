import { unsafeCSS, type CSSResult } from 'lit';

/**
 * Lit's `css` for a stylesheet without interpolations (its one parameter makes `${}` a type error):
 * the same CSSResult, whose sheet is made once and shared by every uploader, without Lit's check
 * of interpolated values, whose code and error message weighed about 130 B gzip in the standalone
 * file. `unsafeCSS` is safe here: its text is this file's own literal, never input. Named `css` so
 * that the build still minifies the template as CSS (vite.config.ts).
 */
function css(strings: TemplateStringsArray): CSSResult {
  return unsafeCSS(strings[0]);
}

// Public `--presigned-uploader-*` tokens are read once on :host into private `--_*` variables.
// Colours derive from `currentColor` and the system colours, so light and dark follow `color-scheme`
// (mixed with `currentColor` rather than `light-dark()`, which would raise the browser baseline).
// The file list is virtual: only the rows in view exist, each placed (position: absolute) at its
// index; ul::after gives the list the height of all rows, so it scrolls as if they were there. A
// row's bottom margin is read as the gap between rows. Name, meta and error are one line each, so
// every row has the same height. (No comments inside the css: they would ship to every page.)
// No declaration that changes nothing ships either: the host inherits every font property as it
// is (no `font: inherit`), the live region is a div with no padding or border to reset, and only
// transitions move here (no animations, none on ::before or ::after) for reduced motion to stop.
export const styles = css`
  :host {
    --_accent: var(--presigned-uploader-accent, #2563eb);
    --_border: var(--presigned-uploader-border, color-mix(in srgb, currentColor 22%, transparent));
    --_background: var(--presigned-uploader-background, color-mix(in srgb, currentColor 3%, transparent));
    --_on-accent: var(--presigned-uploader-on-accent, Canvas);
    --_muted: var(--presigned-uploader-muted, color-mix(in srgb, currentColor 68%, Canvas));
    --_error: var(--presigned-uploader-error, color-mix(in srgb, #d32f2f 75%, currentColor));
    --_success: var(--presigned-uploader-success, color-mix(in srgb, #15803d 75%, currentColor));
    --_radius: var(--presigned-uploader-radius, 0.5rem);
    --_gap: var(--presigned-uploader-gap, 0.5rem);
    --_thumbnail: var(--presigned-uploader-thumbnail-size, 2.5rem);
    --_list-height: var(--presigned-uploader-list-height, 24rem);
    display: block;
    color-scheme: light dark;
  }
  :host([hidden]) {
    display: none;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .drop-zone {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: var(--_gap);
    padding: calc(var(--_gap) * 3);
    border: 2px dashed var(--_border);
    border-radius: var(--_radius);
    background: var(--_background);
    text-align: center;
    cursor: pointer;
    transition: border-color 0.15s ease, background-color 0.15s ease;
  }
  .drop-zone.disabled,
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  :host(:state(dragover)) .drop-zone {
    border-color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 8%, transparent);
  }
  .icon {
    width: 1.75rem;
    height: 1.75rem;
    fill: none;
    stroke: var(--_muted);
    stroke-width: 1.75;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  :host(:state(dragover)) .icon {
    stroke: var(--_accent);
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: var(--_gap);
  }
  button {
    font: inherit;
    padding: 0.3em 0.9em;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 1.5);
    background: Canvas;
    color: CanvasText;
    cursor: pointer;
    transition: background-color 0.15s ease;
  }
  button:hover:not(:disabled) {
    background: color-mix(in srgb, currentColor 7%, Canvas);
  }
  button[part='button'] {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  button[part='button']:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_accent) 85%, black);
  }
  button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  ul {
    list-style: none;
    position: relative;
    margin: var(--_gap) 0 0;
    padding: 0;
    max-height: var(--_list-height);
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  ul::after {
    content: '';
    display: block;
    height: var(--_rows-height);
  }
  li {
    position: absolute;
    inset-inline: 0;
    box-sizing: border-box;
    margin-bottom: var(--_gap);
    display: grid;
    grid-template-columns: var(--_thumbnail) minmax(0, 1fr) auto auto;
    align-items: center;
    gap: calc(var(--_gap) / 2) var(--_gap);
    padding: var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_background);
  }
  .thumbnail {
    grid-row: 1 / span 2;
    width: var(--_thumbnail);
    height: var(--_thumbnail);
    border-radius: calc(var(--_radius) / 1.5);
    object-fit: cover;
  }
  .badge {
    display: grid;
    place-items: center;
    font-size: 0.7em;
    font-weight: 600;
    letter-spacing: 0.03em;
    color: var(--_muted);
    background: color-mix(in srgb, currentColor 8%, transparent);
  }
  .info {
    display: grid;
    min-width: 0;
  }
  .name,
  .meta,
  span.error {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .prompt,
  .meta,
  .status {
    color: var(--_muted);
  }
  .meta,
  .status,
  span.error,
  .actions button {
    font-size: 0.85em;
  }
  .meta {
    font-variant-numeric: tabular-nums;
  }
  .complete .status {
    color: var(--_success);
  }
  .error .status,
  .error .badge {
    color: var(--_error);
  }
  progress {
    grid-column: 2 / -1;
    width: 100%;
    height: 0.4rem;
    accent-color: var(--_accent);
  }
  .complete progress {
    accent-color: var(--_success);
  }
  .file.error progress {
    accent-color: var(--_error);
  }
  span.error,
  .rejected {
    color: var(--_error);
  }
  .rejected {
    display: flex;
    gap: var(--_gap);
    align-items: center;
    justify-content: space-between;
    margin: var(--_gap) 0 0;
    padding: var(--_gap);
    border: 1px solid color-mix(in srgb, var(--_error) 40%, transparent);
    border-radius: var(--_radius);
  }
  .actions {
    display: flex;
    gap: calc(var(--_gap) / 2);
  }
  .total {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: calc(var(--_gap) / 2) var(--_gap);
    margin-top: var(--_gap);
  }
  .total progress {
    flex-basis: 100%;
  }
  /* Movement is decoration here: without it nothing is lost. */
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
    }
  }
`;
