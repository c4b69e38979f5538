import { expect } from '@open-wc/testing';
import { endpointPrefix, StoredMap } from '../../src/backend/stored-map.js';

interface Entry {
  id: string;
  savedAt: number;
}

const DAY = 24 * 3600 * 1000;
const isEntry = (value: unknown): value is Entry => typeof (value as Entry | null)?.id === 'string' && typeof (value as Entry).savedAt === 'number';

/** A Storage over a Map that records the keys written. */
function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  const written: string[] = [];
  const storage = {
    get length() {
      return items.size;
    },
    key: (index: number) => [...items.keys()][index] ?? null,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      written.push(key);
      items.set(key, value);
    },
    removeItem: (key: string) => {
      written.push(key);
      items.delete(key);
    },
  } as Storage;
  return { storage, items, written };
}

describe('StoredMap', () => {
  const now = 100 * DAY;

  it('drops entries older than a week as it reads, from storage too, and lists the rest oldest first', () => {
    const { storage, items } = memoryStorage({
      'p:old': JSON.stringify({ id: 'old', savedAt: now - 8 * DAY }),
      'p:new': JSON.stringify({ id: 'new', savedAt: now - 1 * DAY }),
      'p:fresh': JSON.stringify({ id: 'fresh', savedAt: now - 6 * DAY }),
    });
    const map = new StoredMap<Entry>('p:', isEntry, { storage, now: () => now });
    expect(map.values().map((entry) => entry.id)).to.deep.equal(['fresh', 'new']);
    expect(items.has('p:old')).to.equal(false);
    expect(map.get('old')).to.equal(undefined);
  });

  it('writes one key per entry, only its own, and removes it', () => {
    const { storage, items, written } = memoryStorage({ 'other:a': '"kept"' });
    const map = new StoredMap<Entry>('p:', isEntry, { storage, now: () => now });
    map.set('a', { id: 'a', savedAt: now });
    map.set('b', { id: 'b', savedAt: now });
    map.set('a', { id: 'a', savedAt: now + 1 });
    expect(written).to.deep.equal(['p:a', 'p:b', 'p:a']);
    expect(map.get('a')).to.deep.equal({ id: 'a', savedAt: now + 1 });
    map.delete('a');
    expect([...items.keys()]).to.deep.equal(['other:a', 'p:b']);
  });

  it('reads what is not an entry as none, and drops it', () => {
    const { storage, items } = memoryStorage({ 'p:x': '{not json', 'p:y': '{"id":1}', 'p:z': '{"id":"z","savedAt":0}' });
    const map = new StoredMap<Entry>('p:', isEntry, { storage, now: () => 1 });
    expect(map.values()).to.deep.equal([{ id: 'z', savedAt: 0 }]);
    expect([...items.keys()]).to.deep.equal(['p:z']);
  });

  it('keeps the entries of one endpoint apart from those of an endpoint its URL starts', () => {
    const { storage } = memoryStorage();
    const short = new StoredMap<Entry>(endpointPrefix('p:', 'https://api.test/register'), isEntry, { storage, now: () => now });
    const long = new StoredMap<Entry>(endpointPrefix('p:', 'https://api.test/register-v2'), isEntry, { storage, now: () => now });
    long.set('a', { id: 'a', savedAt: now });
    expect(short.values()).to.deep.equal([]);
    expect(long.values()).to.deep.equal([{ id: 'a', savedAt: now }]);
  });

  it('takes writes to a storage that refuses them silently', () => {
    const storage = {
      length: 0,
      key: () => null,
      getItem: () => null,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => {},
    } as unknown as Storage;
    const map = new StoredMap<Entry>('p:', isEntry, { storage, now: () => now });
    expect(() => map.set('a', { id: 'a', savedAt: now })).not.to.throw();
    expect(map.values()).to.deep.equal([]);
  });
});
