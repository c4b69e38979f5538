import { expect } from '@open-wc/testing';
import { dictionaryFor, fill, mergeStrings, en, de } from '../../src/i18n/strings.js';
import { Announcer } from '../../src/ui/announcer.js';
import { formatDuration, formatPercent, formatSize, formatSpeed } from '../../src/ui/format.js';
import { SpeedMeter } from '../../src/ui/speed-meter.js';

describe('UI formatting', () => {
  it('formats sizes with Intl in the given language', () => {
    expect(formatSize(512, 'en')).to.equal('512 byte');
    expect(formatSize(1_500_000, 'en')).to.equal('1.5 MB');
    expect(formatSize(1_500_000, 'de')).to.equal('1,5 MB');
    expect(formatSize(2_000_000_000, 'fr')).to.match(/^2\s?Go$/);
    expect(formatSize(250_000, 'en')).to.equal('250 kB');
  });

  it('formats speeds per second and durations with Intl', () => {
    expect(formatSpeed(2_500_000, 'en')).to.equal('2.5 MB/s');
    expect(formatSpeed(2_500_000, 'de')).to.equal('2,5 MB/s');
    expect(formatDuration(42.4, 'en')).to.equal('42 seconds');
    expect(formatDuration(150, 'en')).to.equal('3 minutes');
    expect(formatDuration(150, 'de')).to.equal('3 Minuten');
    expect(formatDuration(5400, 'fr')).to.match(/^1,5\sheure$/);
    expect(formatPercent(50, 'en')).to.equal('50%');
    expect(formatPercent(50, 'de')).to.match(/^50\s%$/);
  });
});

describe('strings', () => {
  it('picks the dictionary by the primary language subtag, English otherwise', () => {
    expect(dictionaryFor('de-AT')).to.equal(de);
    expect(dictionaryFor('fr').pick).to.equal('Choisir des fichiers');
    expect(dictionaryFor('xx')).to.equal(en);
    expect(dictionaryFor('')).to.equal(en);
  });

  it('deep-merges a partial override and ignores what it does not know', () => {
    const merged = mergeStrings(de, { pick: 'Hochladen', status: { error: 'Kaputt' }, nope: 'x' } as never);
    expect(merged.pick).to.equal('Hochladen');
    expect(merged.status.error).to.equal('Kaputt');
    expect(merged.status.complete).to.equal('Hochgeladen');
    expect(merged.cancel).to.equal('Abbrechen');
    expect(de.pick).to.equal('Dateien auswählen');
    expect('nope' in merged).to.equal(false);
  });

  it('every language has every string of English', () => {
    const shape = (value: object): string[] =>
      Object.entries(value).flatMap(([key, inner]) => (typeof inner === 'object' ? shape(inner).map((k) => `${key}.${k}`) : [key]));
    for (const lang of ['de', 'fr']) expect(shape(dictionaryFor(lang)), lang).to.deep.equal(shape(en));
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(fill('{name}: {percent}', { name: 'a.jpg', percent: '50%' })).to.equal('a.jpg: 50%');
    expect(fill('{nmae}', { name: 'a' })).to.equal('{nmae}');
  });
});

describe('SpeedMeter', () => {
  it('measures a smoothed rate and the time left from progress timestamps', () => {
    let now = 0;
    const meter = new SpeedMeter(() => now);
    meter.sample('a', 0, 10_000);
    expect(meter.rate('a', 10_000)).to.equal(undefined);
    now = 1000;
    meter.sample('a', 1000, 10_000);
    expect(meter.rate('a', 10_000)).to.deep.equal({ bytesPerSecond: 1000, secondsLeft: 9 });
    now = 2000;
    meter.sample('a', 4000, 10_000);
    // 0.3 * 3000 + 0.7 * 1000
    expect(meter.rate('a', 10_000)!.bytesPerSecond).to.be.closeTo(1600, 0.001);
    expect(meter.rate('a', 10_000)!.secondsLeft).to.be.closeTo(6000 / 1600, 0.001);
    meter.forget('a');
    expect(meter.rate('a', 10_000)).to.equal(undefined);
  });

  it('ignores samples too close together, which measure the event loop rather than the network', () => {
    let now = 0;
    const meter = new SpeedMeter(() => now);
    meter.sample('a', 0, 10_000);
    now = 10;
    meter.sample('a', 5000, 10_000);
    expect(meter.rate('a', 10_000)).to.equal(undefined);
  });
});

describe('Announcer', () => {
  it('tells each of 25, 50 and 75 % once per file, and nothing in between', () => {
    const announcer = new Announcer();
    expect(announcer.milestone('a', 10)).to.equal(undefined);
    expect(announcer.milestone('a', 26)).to.equal(25);
    expect(announcer.milestone('a', 30)).to.equal(undefined);
    expect(announcer.milestone('a', 80)).to.equal(75);
    expect(announcer.milestone('a', 100)).to.equal(undefined);
    expect(announcer.milestone('b', 55)).to.equal(50);
  });

  it('makes a repeated message differ, so the live region reads it again', () => {
    const announcer = new Announcer();
    announcer.say('a.jpg uploaded.');
    const first = announcer.message;
    announcer.say('a.jpg uploaded.');
    expect(announcer.message).to.not.equal(first);
    expect(announcer.message.trim()).to.equal('a.jpg uploaded.');
  });
});
