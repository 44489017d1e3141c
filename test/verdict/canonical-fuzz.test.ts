// Property tests of the canonicalizer, which reads untrusted input on every connection.
// FUZZ_RUNS sets the number of runs (default 2,000 per property).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorityStart, formatCanonical, parseUrl, plainHostEnd, slowParse } from '../../src/verdict/canonical.js';

const numRuns = Number(process.env.FUZZ_RUNS ?? 2000);

const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,12}$/);
const host = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 5 }).map((labels) => labels.join('.')),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.')),
  fc.constantFrom('bücher.de', 'EXAMPLE.com.', '0x7f.1', '[::1]', 'a..b', 'xn--bcher-kva.de', 'ﬁ.example'),
);
const segment = fc.oneof(fc.stringMatching(/^[a-zA-Z0-9._~-]{0,8}$/), fc.constantFrom('.', '..', '%2e', '%252F', 'ä', '%', '#x', '?'));
const url = fc
  .tuple(
    fc.constantFrom('', 'http://', 'https://', 'HTTP://', '//'),
    fc.option(fc.constantFrom('user@', 'u:p@'), { nil: '' }),
    host,
    fc.option(fc.integer({ min: 0, max: 65535 }).map((p) => `:${p}`), { nil: '' }),
    fc.array(segment, { maxLength: 6 }).map((segments) => segments.map((s) => `/${s}`).join('')),
    fc.option(fc.stringMatching(/^[a-z0-9=&%]{0,10}$/).map((q) => `?${q}`), { nil: '' }),
    fc.option(fc.string().map((f) => `#${f}`), { nil: '' }),
  )
  .map((parts) => parts.join(''));

describe('canonicalizer properties', () => {
  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), url), (input) => {
        parseUrl(input);
      }),
      { numRuns },
    );
  });

  it('gives the same answer on the fast path as the full algorithm', () => {
    fc.assert(
      fc.property(url, (input) => {
        expect(parseUrl(input)).toEqual(slowParse(input));
      }),
      { numRuns },
    );
  });

  it("reads the same host on the verdict's host-only path as the full algorithm", () => {
    fc.assert(
      fc.property(url, (input) => {
        const start = authorityStart(input);
        const end = plainHostEnd(input, start);
        if (end >= 0) expect(input.slice(start, end)).toBe((slowParse(input) as { host?: string }).host);
      }),
      { numRuns },
    );
  });

  it('is idempotent: a canonical URL canonicalizes to itself', () => {
    fc.assert(
      fc.property(url, (input) => {
        const once = parseUrl(input);
        if ('error' in once) return;
        expect(parseUrl(formatCanonical(once))).toEqual(once);
      }),
      { numRuns },
    );
  });

  it('puts only safe printable ASCII in the canonical form', () => {
    fc.assert(
      fc.property(url, (input) => {
        const once = parseUrl(input);
        if (!('error' in once)) expect(formatCanonical(once)).toMatch(/^[\x21-\x7e]+$/);
      }),
      { numRuns },
    );
  });
});
