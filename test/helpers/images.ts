/** Real images for the resize tests, drawn on a canvas in the test. */

type Paint = (context: OffscreenCanvasRenderingContext2D, width: number, height: number) => void;

/** Random pixels: they compress badly, so an image has many bytes for its size. */
export const noise: Paint = (context, width, height) => {
  const pixels = context.createImageData(width, height);
  for (let offset = 0; offset < pixels.data.length; offset += 65536) crypto.getRandomValues(pixels.data.subarray(offset, offset + 65536));
  for (let i = 3; i < pixels.data.length; i += 4) pixels.data[i] = 255;
  context.putImageData(pixels, 0, 0);
};

/** The left half red, the right half blue: shows which way an image was turned. */
export const halves: Paint = (context, width, height) => {
  context.fillStyle = '#f00';
  context.fillRect(0, 0, width / 2, height);
  context.fillStyle = '#00f';
  context.fillRect(width / 2, 0, width / 2, height);
};

export async function drawnImage(name: string, width: number, height: number, type: string, paint: Paint, quality = 0.92): Promise<File> {
  const canvas = new OffscreenCanvas(width, height);
  paint(canvas.getContext('2d')!, width, height);
  const blob = await canvas.convertToBlob({ type, quality });
  if (blob.type !== type) throw new Error(`this browser does not encode ${type}`);
  return new File([blob], name, { type, lastModified: 1_700_000_000_000 });
}

/**
 * The JPEG with an EXIF APP1 segment right after its start marker, holding only the Orientation
 * tag (6: turn 90° clockwise to show it) and a made-up camera make, so that dropped metadata shows.
 */
export async function withExifOrientation(jpeg: File, orientation: number): Promise<File> {
  const make = 'TestCam\0';
  const tiff = new DataView(new ArrayBuffer(8 + 2 + 2 * 12 + 4 + make.length));
  tiff.setUint16(0, 0x4d4d); // "MM": big-endian
  tiff.setUint16(2, 42);
  tiff.setUint32(4, 8); // first IFD right after the header
  tiff.setUint16(8, 2); // two entries
  const entry = (at: number, tag: number, type: number, count: number, value: number, short: boolean) => {
    tiff.setUint16(at, tag);
    tiff.setUint16(at + 2, type);
    tiff.setUint32(at + 4, count);
    if (short) tiff.setUint16(at + 8, value);
    else tiff.setUint32(at + 8, value);
  };
  entry(10, 0x010f, 2, make.length, 8 + 2 + 24 + 4, false); // Make: ASCII, after the IFD
  entry(22, 0x0112, 3, 1, orientation, true); // Orientation: SHORT
  tiff.setUint32(34, 0); // no next IFD
  for (let i = 0; i < make.length; i++) tiff.setUint8(38 + i, make.charCodeAt(i));
  const header = new Uint8Array([0xff, 0xe1, 0, 0, ...new TextEncoder().encode('Exif\0\0')]);
  new DataView(header.buffer).setUint16(2, 2 + 6 + tiff.byteLength);
  const bytes = new Uint8Array(await jpeg.arrayBuffer());
  return new File([bytes.subarray(0, 2), header, tiff.buffer, bytes.subarray(2)], jpeg.name, { type: jpeg.type });
}

/** The image's pixel size, its EXIF orientation applied, and the colour of a pixel. */
export async function decoded(blob: Blob): Promise<{ width: number; height: number; pixel(x: number, y: number): [number, number, number] }> {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  const { width, height } = bitmap;
  const context = new OffscreenCanvas(width, height).getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return {
    width,
    height,
    pixel: (x, y) => {
      const [r, g, b] = context.getImageData(x, y, 1, 1).data;
      return [r!, g!, b!];
    },
  };
}

/** Whether the bytes hold an EXIF segment anywhere. */
export async function hasExif(blob: Blob): Promise<boolean> {
  return new TextDecoder('latin1').decode(await blob.arrayBuffer()).includes('Exif\0\0');
}
