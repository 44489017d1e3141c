import { describe, expect, it } from 'vitest';
import { applyDelta, buildThreatDb, createDelta, FormatError, loadThreatDb, serializeThreatDb, verdict, type FeedEntry } from '../../src/verdict/index.js';
import { ask, indicator } from './helpers.js';

function feed(count: number, from = 0, source = 'feed-a'): FeedEntry[] {
  return Array.from({ length: count }, (_, i) => ({ value: `site${i + from}.example${(i + from) % 5}.com`, source, category: 'phishing' }));
}

const indicators = [
  indicator({ indicatorType: 'Url', indicatorValue: 'https://portal.example/admin', action: 'Block', rbacGroupNames: ['Ops'] }),
  indicator({ indicatorType: 'IpAddress', indicatorValue: '198.51.100.4', action: 'Warn', expirationTime: '2027-01-01T00:00:00Z' }),
];

describe('serialised database', () => {
  const { db } = buildThreatDb({ feeds: [...feed(300), { value: 'x.example/path', source: 'feed-b', category: 'malware' }], indicators, sequence: 7 });
  const bytes = serializeThreatDb(db);

  it('loads back into a database that answers the same', () => {
    const loaded = loadThreatDb(bytes);
    expect(loaded.sequence).toBe(7);
    expect(serializeThreatDb(loaded)).toEqual(bytes);
    for (const url of ['http://site3.example3.com/', 'http://x.example/path/y', 'http://x.example/', 'https://portal.example/admin', 'http://198.51.100.4/']) {
      for (const question of [ask(url), ask(url, { groups: ['Ops'], platform: 'linux' })]) {
        expect(verdict(loaded, question)).toEqual(verdict(db, question));
      }
    }
    expect(verdict(loaded, ask('https://portal.example/admin', { groups: ['Ops'] })).action).toBe('Block');
  });

  it('rejects a change to any single byte', () => {
    for (let i = 0; i < bytes.length; i++) {
      const corrupt = bytes.slice();
      corrupt[i] = (corrupt[i] ?? 0) ^ (1 + (i % 255));
      expect(() => loadThreatDb(corrupt), `byte ${i}`).toThrow(FormatError);
    }
  });

  it('rejects truncated data and data at an odd offset is still read', () => {
    expect(() => loadThreatDb(bytes.subarray(0, bytes.length - 4))).toThrow(FormatError);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(loadThreatDb(shifted.subarray(1)).size).toBe(db.size);
  });

  it('gives the same bytes whatever order the entries came in', () => {
    const entries = [...feed(300), { value: 'x.example/path', source: 'feed-b', category: 'malware' }];
    const shuffled = buildThreatDb({ feeds: [...entries].reverse(), indicators: [...indicators].reverse(), sequence: 7 }).db;
    expect(serializeThreatDb(shuffled)).toEqual(bytes);
  });
});

describe('deltas', () => {
  const old = buildThreatDb({ feeds: [...feed(5000), ...feed(20, 0, 'feed-b')], sequence: 1 }).db;
  const oldBytes = serializeThreatDb(old);
  const next = buildThreatDb({
    feeds: [...feed(4900, 100), { value: 'new.example/landing', source: 'feed-c', category: 'malware' }, ...feed(20, 0, 'feed-b')],
    indicators,
    sequence: 2,
    bucketBits: old.table.bits,
  }).db;
  const newBytes = serializeThreatDb(next);

  it('old database + delta = new database, byte for byte', () => {
    const delta = createDelta(oldBytes, next);
    expect(applyDelta(oldBytes, delta)).toEqual(newBytes);
    expect(delta.length).toBeLessThan(newBytes.length / 4);
  });

  it('an empty change gives a small delta that reproduces the database', () => {
    const delta = createDelta(oldBytes, old);
    expect(applyDelta(oldBytes, delta)).toEqual(oldBytes);
    expect(delta.length).toBeLessThan(1024); // header and the JSON part (brands), no entries
  });

  it('refuses a delta applied to another base, and a corrupted delta', () => {
    const delta = createDelta(oldBytes, next);
    expect(() => applyDelta(newBytes, delta)).toThrow(/another base/);
    const corrupt = delta.slice();
    corrupt[40] = (corrupt[40] ?? 0) ^ 0xff;
    expect(() => applyDelta(oldBytes, corrupt)).toThrow(FormatError);
  });

  it('refuses to diff databases with different bucket bits', () => {
    const bigger = buildThreatDb({ feeds: feed(100_000) }).db;
    expect(() => createDelta(oldBytes, bigger)).toThrow(/bucket bits differ/);
  });
});
