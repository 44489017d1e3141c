// Look-alikes of protected brands, beyond any list: names a small edit away from a brand
// (metarnask.io, paypa1.com) and IDN homoglyphs (аpple.com with a Cyrillic а), in the manner
// of eth-phishing-detect's fuzzy list. The brand's own registrable domain is always allowed.
import punycode from 'punycode/punycode.js';
import { getDomain } from 'tldts';

/** A protected brand: its real domain and how many edits away a name still counts as a look-alike. */
export interface BrandRule {
  /** The real domain, e.g. `paypal.com` or `launchpad.ethereum.org`. */
  domain: string;
  /**
   * Edits (Levenshtein) tolerated; default by name length: 0 up to 5 letters, 1 up to 9, else 2.
   * The same name under another suffix (amazon.de for amazon.com) is never flagged.
   */
  tolerance?: number;
}

export interface LookalikeHit {
  rule: 'edit-distance' | 'homoglyph';
  /** The protected brand's domain. */
  brand: string;
  distance: number;
}

/** Often phished brands; a tenant adds its own (see docs/verdict.md). */
export const DEFAULT_BRANDS: readonly BrandRule[] = [
  'paypal.com', 'microsoft.com', 'office.com', 'microsoftonline.com', 'apple.com', 'icloud.com', 'netflix.com',
  'facebook.com', 'instagram.com', 'whatsapp.com', 'linkedin.com', 'dropbox.com', 'docusign.com', 'coinbase.com',
  'binance.com', 'metamask.io', 'wellsfargo.com', 'bankofamerica.com', 'chase.com', 'amazon.com',
].map((domain) => ({ domain }));

/** Letters that look alike across scripts, and ASCII tricks, folded to one Latin letter. */
const CONFUSABLES: Record<string, string> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ԁ: 'd', ѕ: 's', ӏ: 'l', һ: 'h', ԛ: 'q', ԝ: 'w',
  α: 'a', ο: 'o', ν: 'v', ι: 'i', ρ: 'p', κ: 'k', τ: 't', ε: 'e', υ: 'u', χ: 'x', ɡ: 'g', ı: 'i', ł: 'l', ø: 'o', đ: 'd',
  '0': 'o', '1': 'l', '3': 'e', '5': 's',
};

/** The name with look-alike characters folded: diacritics dropped, confusables mapped, rn → m, vv → w. */
export function skeleton(name: string): string {
  let out = '';
  for (const ch of name.normalize('NFD').replace(/\p{M}/gu, '')) out += CONFUSABLES[ch] ?? ch;
  return out.replace(/rn/g, 'm').replace(/vv/g, 'w');
}

/**
 * Where the part of a host compared with brands lies: without the last label and a leading
 * `www.` (as eth-phishing-detect does). Bounds, not a slice: most hosts never need the string.
 */
function fuzzyBounds(host: string): [start: number, end: number] {
  const lastDot = host.lastIndexOf('.');
  const end = lastDot < 0 ? host.length : lastDot;
  return [host.startsWith('www.') && end > 4 ? 4 : 0, end];
}

function fuzzyForm(host: string): string {
  return host.slice(...fuzzyBounds(host));
}

const ASCII_CONFUSABLES: Record<string, string> = { '0': 'o', '1': 'l', '3': 'e', '5': 's' };

/** skeleton() for ASCII names, without Unicode normalisation: the common case, kept cheap. */
function asciiSkeleton(name: string): string {
  return name.replace(/[0135]/g, (d) => ASCII_CONFUSABLES[d] ?? d).replace(/rn/g, 'm').replace(/vv/g, 'w');
}

/** Which of 31 symbol bins s[start, end) uses; an edit changes at most two bins, so bins bound the distance cheaply. */
function binMask(s: string, start = 0, end = s.length): number {
  let mask = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    mask |= 1 << (c >= 0x61 && c <= 0x7a ? c - 0x61 : c >= 0x30 && c <= 0x39 ? 26 + (c & 3) : 30);
  }
  return mask;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Levenshtein distance if it is at most `limit`, else limit + 1 (banded dynamic programme). */
export function boundedDistance(x: string, y: string, limit: number): number {
  if (Math.abs(x.length - y.length) > limit) return limit + 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x.charCodeAt(i - 1) === y.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current.push(value);
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[y.length] ?? limit + 1;
}

interface CompiledBrand {
  domain: string;
  form: string;
  mask: number;
  /** Bins of the brand's skeleton. */
  skeletonMask: number;
  tolerance: number;
}

const DIGIT_BINS = 0x3c000000;
const bin = (letter: string) => 1 << (letter.charCodeAt(0) - 0x61);
/** Bins a skeleton may drop (digits, r, n, v are folded away) or gain (what they fold to). */
const FOLDED_AWAY = DIGIT_BINS | bin('r') | bin('n') | bin('v');
const FOLDED_TO = bin('o') | bin('l') | bin('e') | bin('s') | bin('m') | bin('w');

function defaultTolerance(form: string): number {
  return form.length <= 5 ? 0 : form.length <= 9 ? 1 : 2;
}

/** Checks hosts against a brand list; compiled once per database. Runs on every verdict that no list decided, so it filters cheaply first. */
export class LookalikeMatcher {
  private readonly brands: CompiledBrand[];
  private readonly bySkeleton = new Map<string, CompiledBrand>();
  /** Registrable domains of all brands: a host under one of them is the real thing. */
  private readonly owned: Set<string>;

  constructor(rules: readonly BrandRule[]) {
    this.brands = rules.map((rule) => {
      const domain = rule.domain.toLowerCase();
      const form = fuzzyForm(domain);
      return { domain, form, mask: binMask(form), skeletonMask: binMask(skeleton(form)), tolerance: rule.tolerance ?? defaultTolerance(form) };
    });
    for (const brand of this.brands) if (!this.bySkeleton.has(skeleton(brand.form))) this.bySkeleton.set(skeleton(brand.form), brand);
    this.owned = new Set(rules.map((rule) => getDomain(rule.domain) ?? rule.domain.toLowerCase()));
  }

  /** The look-alike a canonical (ASCII, lower-case) host name is, if any. */
  check(host: string): LookalikeHit | undefined {
    if (this.brands.length === 0) return undefined;
    const [start, end] = fuzzyBounds(host);
    const length = end - start;
    const mask = binMask(host, start, end);
    let form: string | undefined;
    let hit: LookalikeHit | undefined;
    let foldable = false;
    for (const brand of this.brands) {
      // An ASCII homoglyph is possible only if the brand's skeleton bins fit what folding can do to this name's bins.
      foldable ||= (mask & ~FOLDED_AWAY & ~brand.skeletonMask) === 0 && (brand.skeletonMask & ~(mask | FOLDED_TO)) === 0;
      if (Math.abs(length - brand.form.length) > brand.tolerance || popcount(mask ^ brand.mask) > 2 * brand.tolerance) continue;
      form ??= host.slice(start, end);
      const distance = boundedDistance(form, brand.form, brand.tolerance);
      // Distance 0 is the brand's own name under another suffix (amazon.de): brands own many of those.
      if (distance > 0 && distance <= brand.tolerance) {
        hit = { rule: 'edit-distance', brand: brand.domain, distance };
        break;
      }
    }
    if (!hit && foldable && mask & FOLDED_AWAY) {
      form ??= host.slice(start, end);
      hit = this.homoglyph(form, asciiSkeleton(form));
    }
    if (!hit && host.includes('xn--')) {
      try {
        const unicode = punycode.toUnicode(host.slice(start, end));
        hit = this.homoglyph(unicode, skeleton(unicode));
      } catch {
        // not valid punycode: nothing to compare
      }
    }
    if (!hit) return undefined;
    return this.owned.has(getDomain(host) ?? host) ? undefined : hit;
  }

  private homoglyph(name: string, folded: string): LookalikeHit | undefined {
    const brand = this.bySkeleton.get(folded);
    if (!brand || name === brand.form) return undefined;
    return { rule: 'homoglyph', brand: brand.domain, distance: boundedDistance(name, brand.form, Math.max(name.length, brand.form.length)) };
  }
}
