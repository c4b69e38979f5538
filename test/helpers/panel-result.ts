// What test/helpers/upload-through-panels.ts reports per uploader; shared with the Node test.
/** What the page reports for one uploader. */
export interface PanelResult {
  panel: string;
  name: string;
  size: number;
  key?: string;
  error?: unknown;
}
