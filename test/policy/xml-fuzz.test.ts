import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlistDict, toPlist } from '../../src/policy/plist.js';
import { parseXml } from '../../src/policy/xml.js';

// The XML and plist readers take what admins paste (and what imports bring): whatever the input,
// they answer ok or a problem, and never throw or hang.
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

const xmlish = fc.array(fc.constantFrom('<', '>', '/', '=', '"', "'", '!', '?', '-', '[', ']', '&', ';', 'dict', 'key', 'string', 'plist', 'integer', 'true', ' ', 'a', '\n', '<!--', '-->', '<![CDATA[', ']]>'), { maxLength: 60 }).map((parts) => parts.join(''));

describe('XML and plist readers under fuzzing', () => {
  it('answer ok or a problem for any text, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), xmlish), (text) => {
        const xml = parseXml(text);
        expect(typeof xml.ok).toBe('boolean');
        if (!xml.ok) expect(xml.problem.length).toBeGreaterThan(0);
        const plist = parsePlistDict(text);
        if (!plist.ok) expect(plist.problem.length).toBeGreaterThan(0);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  // Whitespace around text is plist formatting, so the reader trims it; every other character,
  // markup ones included, must come back as written.
  const text = (min: number) => fc.string({ minLength: min, maxLength: 40 }).filter((t) => t === t.trim() && t.length >= min);

  it('read back every key and string value they wrote, markup characters included', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text(1), text(0)), { maxLength: 5 }), (pairs) => {
        const keys = new Set<string>();
        const entries = pairs.filter(([k]) => !keys.has(k) && keys.add(k)).map(([key, value]) => ({ key, type: 'String' as const, value }));
        const read = parsePlistDict(toPlist(entries));
        expect(read.ok).toBe(true);
        if (read.ok) expect(read.entries.map((e) => [e.key, String(e.value)])).toEqual(entries.map((e) => [e.key, e.value]));
      }),
      { numRuns: FUZZ_RUNS / 4 },
    );
  });
});
