import { expect } from '@open-wc/testing';
import { StoredList } from '../../src/backend/stored-list.js';

interface Entry {
  id: string;
  savedAt: number;
}

const DAY = 24 * 3600 * 1000;
const isEntry = (value: unknown): value is Entry => typeof (value as Entry | null)?.id === 'string' && typeof (value as Entry).savedAt === 'number';

/** A Storage over a Map that counts writes. */
function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  let writes = 0;
  const storage = {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      writes++;
      items.set(key, value);
    },
    removeItem: (key: string) => {
      writes++;
      items.delete(key);
    },
  } as Storage;
  return { storage, items, writes: () => writes };
}

describe('StoredList', () => {
  const now = 100 * DAY;

  it('drops entries older than a week as it reads, from storage too', () => {
    const stored = [
      { id: 'old', savedAt: now - 8 * DAY },
      { id: 'fresh', savedAt: now - 6 * DAY },
    ];
    const { storage, items } = memoryStorage({ k: JSON.stringify(stored) });
    const list = new StoredList<Entry>('k', isEntry, { storage, now: () => now });
    expect(list.read().map((entry) => entry.id)).to.deep.equal(['fresh']);
    expect(JSON.parse(items.get('k')!)).to.deep.equal([{ id: 'fresh', savedAt: now - 6 * DAY }]);
  });

  it('replaces an entry at the end, writes only on a change, and removes the key when empty', () => {
    const { storage, items, writes } = memoryStorage();
    const list = new StoredList<Entry>('k', isEntry, { storage, now: () => now });
    list.replace((entry) => entry.id === 'a', { id: 'a', savedAt: now });
    list.replace((entry) => entry.id === 'b', { id: 'b', savedAt: now });
    list.replace((entry) => entry.id === 'a', { id: 'a', savedAt: now + 1 });
    expect(list.read().map((entry) => entry.id)).to.deep.equal(['b', 'a']);
    const before = writes();
    list.replace((entry) => entry.id === 'missing');
    expect(writes()).to.equal(before);
    list.replace(() => true);
    expect(items.has('k')).to.equal(false);
  });

  it('reads what is not a list of entries as empty', () => {
    const { storage } = memoryStorage({ k: '{not json', j: '[{"id":1},{"id":"x","savedAt":0}]' });
    expect(new StoredList<Entry>('k', isEntry, { storage, now: () => 1 }).read()).to.deep.equal([]);
    expect(new StoredList<Entry>('j', isEntry, { storage, now: () => 1 }).read()).to.deep.equal([{ id: 'x', savedAt: 0 }]);
  });
});
