/** What a resize is asked for. */
export interface ShrinkOptions {
  /** The bounding box in pixels; 0 or missing: no limit on that side. */
  width?: number;
  height?: number;
  /** Output MIME type; empty: the input's. */
  type?: string;
  /** 0 to 1, for lossy output. */
  quality: number;
  /** The short side of the preview, in pixels. */
  preview: number;
}

export interface ShrunkImage {
  /** The smaller image; absent when the original should go up (it fits the box, or shrinking did not make it smaller). */
  body?: Blob;
  /** A small image for the file's thumbnail, drawn from the same decode. */
  preview?: Blob;
}

/**
 * Decodes an image once, with its EXIF orientation applied, and draws it scaled down to fit the
 * box (never enlarged) and as a preview. Re-encoding drops every other piece of metadata.
 * Throws when the browser cannot decode the image.
 *
 * It runs both in a worker and on the page, and a worker gets it as source text
 * (`String(shrinkImage)`): so it must stay self-contained, using nothing but its arguments and
 * browser globals.
 */
export async function shrinkImage(file: Blob, options: ShrinkOptions): Promise<ShrunkImage> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const { width, height } = bitmap;
  const type = options.type || file.type;
  const draw = (scale: number, quality: number): Promise<Blob | null> => {
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    // OffscreenCanvas in a worker; a page without it (older Safari) draws on a detached canvas.
    const canvas = typeof OffscreenCanvas == 'function' ? new OffscreenCanvas(w, h) : Object.assign(document.createElement('canvas'), { width: w, height: h });
    const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
    context.imageSmoothingQuality = 'high';
    if (type == 'image/jpeg') {
      // JPEG has no alpha: transparent pixels would turn black.
      context.fillStyle = '#fff';
      context.fillRect(0, 0, w, h);
    }
    context.drawImage(bitmap, 0, 0, w, h);
    return 'convertToBlob' in canvas ? canvas.convertToBlob({ type, quality }) : new Promise((resolve) => canvas.toBlob(resolve, type, quality));
  };
  try {
    const scale = Math.min(1, (options.width || Infinity) / width, (options.height || Infinity) / height);
    const body = scale < 1 ? await draw(scale, options.quality) : null;
    const preview = await draw(Math.min(1, options.preview / Math.min(width, height)), 0.8);
    return { body: body && body.size < file.size ? body : undefined, preview: preview ?? undefined };
  } finally {
    bitmap.close();
  }
}
