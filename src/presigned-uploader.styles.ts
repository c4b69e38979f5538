import { css } from 'lit';

export const styles = css`
  :host {
    --_accent: var(--presigned-uploader-accent, #2563eb);
    --_border: var(--presigned-uploader-border, color-mix(in srgb, currentColor 25%, transparent));
    --_error: var(--presigned-uploader-error, #c62828);
    --_radius: var(--presigned-uploader-radius, 0.5rem);
    --_gap: var(--presigned-uploader-gap, 0.5rem);
    display: block;
    color-scheme: light dark;
    font: inherit;
  }
  :host([hidden]) {
    display: none;
  }
  .drop-zone {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: center;
    gap: var(--_gap);
    padding: calc(var(--_gap) * 3);
    border: 2px dashed var(--_border);
    border-radius: var(--_radius);
    text-align: center;
  }
  :host(:state(dragover)) .drop-zone {
    border-color: var(--_accent);
  }
  button {
    font: inherit;
    padding: 0.3em 0.9em;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 1.5);
    background: Canvas;
    color: CanvasText;
    cursor: pointer;
  }
  button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  ul {
    list-style: none;
    margin: var(--_gap) 0 0;
    padding: 0;
    display: grid;
    gap: var(--_gap);
  }
  li {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto auto;
    align-items: center;
    gap: calc(var(--_gap) / 2) var(--_gap);
    padding: var(--_gap);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  progress {
    grid-column: 1 / -1;
    grid-row: 2;
    width: 100%;
    accent-color: var(--_accent);
  }
  .error,
  .rejected {
    color: var(--_error);
  }
  .error {
    grid-column: 1 / -1;
  }
  .rejected {
    display: flex;
    gap: var(--_gap);
    align-items: center;
    justify-content: space-between;
    margin: var(--_gap) 0 0;
  }
  .actions {
    display: flex;
    gap: calc(var(--_gap) / 2);
  }
`;
