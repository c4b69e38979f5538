import { expect } from '@open-wc/testing';
import { droppedFiles, type Drop } from '../../src/ui/dropped-files.js';

// Browsers give scripts no way to build a dropped folder, so the entries here are stand-ins with
// the shape of FileSystemEntry: files, folders, and a folder read in several batches.

const file = (name: string) => new File([name], name);

function fileEntry(name: string): FileSystemEntry {
  return { isFile: true, isDirectory: false, name, file: (done: (file: File) => void) => done(file(name)) } as unknown as FileSystemEntry;
}

/** A folder whose reader answers its children `batch` at a time, then an empty batch. */
function folderEntry(name: string, children: FileSystemEntry[], batch = 2): FileSystemEntry {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      let next = 0;
      return {
        readEntries: (done: (entries: FileSystemEntry[]) => void) =>
          setTimeout(() => done(children.slice(next, (next += batch)))),
      };
    },
  } as unknown as FileSystemEntry;
}

const drop = (entries: FileSystemEntry[], files: File[] = []): Drop => ({
  files,
  items: entries.map((entry) => ({ webkitGetAsEntry: () => entry })),
});

describe('droppedFiles', () => {
  it('answers the plain files of a drop at once', () => {
    const picked = [file('a.txt'), file('b.txt')];
    const result = droppedFiles(drop([fileEntry('a.txt'), fileEntry('b.txt')], picked));
    expect(result).to.not.be.instanceOf(Promise);
    expect(result).to.deep.equal({ files: picked, folder: false });
  });

  it('reads dropped folders at any depth, every batch, in order', async () => {
    const tree = folderEntry('photos', [
      fileEntry('1.jpg'),
      folderEntry('2025', [fileEntry('2.jpg'), fileEntry('3.jpg'), fileEntry('4.jpg')]),
      fileEntry('5.jpg'),
    ]);
    const result = await droppedFiles(drop([fileEntry('top.txt'), tree]));
    expect(result.folder).to.equal(true);
    expect(result.files.map((f) => f.name)).to.deep.equal(['top.txt', '1.jpg', '2.jpg', '3.jpg', '4.jpg', '5.jpg']);
  });
});
