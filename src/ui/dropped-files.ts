/** What a drop hands over: its files, and a way to each item's file-system entry. */
export interface Drop {
  readonly files: ArrayLike<File>;
  readonly items: ArrayLike<{ webkitGetAsEntry?(): FileSystemEntry | null }>;
}

/**
 * The files of a drop, including those inside dropped folders at any depth. Without a folder the
 * answer comes at once (`folder: false`); a folder is read entry by entry, asynchronously. The
 * entries are taken before the first await: a drop's items are gone once its event is over.
 */
export function droppedFiles(drop: Drop): { files: File[]; folder: false } | Promise<{ files: File[]; folder: true }> {
  const entries = Array.from(drop.items, (item) => item.webkitGetAsEntry?.() ?? null);
  if (!entries.some((entry) => entry?.isDirectory)) return { files: Array.from(drop.files), folder: false };
  return (async () => {
    const files: File[] = [];
    for (const entry of entries) if (entry) await collect(entry, files);
    return { files, folder: true as const };
  })();
}

async function collect(entry: FileSystemEntry, into: File[]): Promise<void> {
  if (isFile(entry)) {
    into.push(await new Promise<File>((resolve, reject) => entry.file(resolve, reject)));
    return;
  }
  if (!isDirectory(entry)) return;
  const reader = entry.createReader();
  // readEntries answers a batch at a time (100 in Chromium) and an empty one at the end.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const child of batch) await collect(child, into);
  }
}

function isFile(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

function isDirectory(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}
