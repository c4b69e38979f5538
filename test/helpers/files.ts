/** A File of `size` bytes with a repeating, checkable pattern. */
export function makeFile(name = 'photo.jpg', size = 1024, type = 'image/jpeg'): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return new File([bytes], name, { type, lastModified: 1_700_000_000_000 });
}
