// The question asked for every connection: what does this database say about this URL, for this
// device, now? Indicators (the tenant's own decisions) come first, then feeds, then look-alikes;
// within each, the longest matching expression wins, and for one expression Allowed beats Warn
// beats Block.
import type { Platform } from '../protocol/enums.js';
import type { IndicatorAction, IndicatorType } from '../protocol/indicators.js';
import { authorityStart, parseUrl, plainHostEnd, type CanonicalUrl, type HostKind } from './canonical.js';
import { domainKeyA, domainKeyB, keyNumber, pathKeyA, pathKeyB, SEED_A, SEED_B, stepA, stepB } from './key.js';
import { CLASS_MASK, HAS_PATHS, MAX_BATCH } from './key-table.js';
import type { LookalikeHit } from './lookalike.js';
import { actionRank } from './precedence.js';
import type { IndicatorRecord, ThreatDb } from './threat-db.js';

export interface VerdictQuestion {
  /** What the device saw: the full URL, or only the host (a URL is then cut to its host). */
  url: string;
  /** `full-url` on a supervised device (content filter), `domain-only` on an unsupervised one (DNS). */
  visibility: 'full-url' | 'domain-only';
  /** IP indicators are not enforced on ios and ipados. */
  platform: Platform;
  /** The device's groups, for indicators scoped with rbacGroupNames. */
  groups?: readonly string[];
  /** Milliseconds since the epoch; expired indicators stop applying. */
  now: number;
}

/** `None`: nothing matched, the connection goes ahead. */
export type VerdictAction = 'Allowed' | 'Warn' | 'Block' | 'None';

export type Explanation =
  | { kind: 'feed'; source: string; category: string; action: IndicatorAction; expression: string }
  | { kind: 'indicator'; indicatorId: string; indicatorType: IndicatorType; action: IndicatorAction; value: string; title: string; expression: string }
  | ({ kind: 'lookalike'; action: 'Block' } & LookalikeHit);

export interface Verdict {
  action: VerdictAction;
  /** True when only the domain was visible, so URL-path entries were not consulted. */
  domainOnly: boolean;
  /** The canonical host asked about (absent when the URL could not be read). */
  host?: string;
  /** What decided the action; undefined when nothing matched. */
  reason: Explanation | undefined;
  /** Audit indicators that matched: recorded, not enforced. */
  audits: Explanation[];
  /** Indicators that matched but are not enforced on this platform (IP indicators on iOS). */
  notEnforced: Explanation[];
  /** Why the URL could not be read; the action is then None. */
  error?: string;
}

const MAX_LABELS = MAX_BATCH;
const suffixStart = new Int32Array(MAX_LABELS);
const suffixA = new Int32Array(MAX_LABELS);
const suffixB = new Int32Array(MAX_LABELS);

interface PathPrefix {
  a: number;
  b: number;
  /** The prefix as written in an expression: '/a/b' or '/a/b?q'. */
  text: string;
}

/** Every path prefix of a URL at its slashes, the whole path, and path plus query; longest first. */
function pathPrefixes(url: CanonicalUrl): PathPrefix[] {
  const out: PathPrefix[] = [];
  const path = url.path;
  let a = SEED_A;
  let b = SEED_B;
  let end = path.length;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x2f && i > 0) out.push({ a, b, text: path.slice(0, i) });
    a = stepA(a, c);
    b = stepB(b, c);
  }
  if (path.charCodeAt(path.length - 1) !== 0x2f) out.push({ a, b, text: path });
  else {
    end = path.length - 1;
    ({ a, b } = out[out.length - 1] ?? { a: SEED_A, b: SEED_B });
  }
  if (url.query !== undefined) {
    const rest = `?${url.query}`;
    for (let i = 0; i < rest.length; i++) {
      a = stepA(a, rest.charCodeAt(i));
      b = stepB(b, rest.charCodeAt(i));
    }
    out.push({ a, b, text: path.slice(0, end) + rest });
  }
  return out.reverse();
}

/** Whether a match beats the best so far: a longer expression, or as long and a stronger action. */
function beats(length: number, rank: number, bestLength: number, bestRank: number): boolean {
  return length > bestLength || (length === bestLength && rank > bestRank);
}

/** The walk over a host's suffixes once something may match; explanations are built only for winners. */
class Walk {
  feed: Explanation | undefined;
  feedLength = -1;
  feedRank = 0;
  indicator: Explanation | undefined;
  indicatorLength = -1;
  indicatorRank = 0;
  audits: Explanation[] | undefined;
  notEnforced: Explanation[] | undefined;
  private prefixes: PathPrefix[] | undefined;

  constructor(
    readonly db: ThreatDb,
    readonly question: VerdictQuestion,
    readonly host: string,
    /** The whole canonical URL, when the host alone was not enough to read it. */
    private url: CanonicalUrl | undefined,
  ) {}

  /** Path prefixes, canonicalized only now: most hosts have no path entries, so most verdicts never read the path. */
  paths(): PathPrefix[] {
    this.url ??= parseUrl(this.question.url) as CanonicalUrl;
    return (this.prefixes ??= pathPrefixes(this.url));
  }

  /** A feed entry matched on the host suffix starting at `start`, plus `path` ('' for the host alone). */
  feedMatch(payload: number, start: number, path: string): void {
    const cls = this.db.classes[(payload & CLASS_MASK) - 1];
    if (!cls) return;
    const length = this.host.length - start + path.length;
    const rank = actionRank(cls.action);
    const explain = (): Explanation => ({ kind: 'feed', source: cls.source, category: cls.category, action: cls.action, expression: this.host.slice(start) + path });
    if (cls.action === 'Audit') (this.audits ??= []).push(explain());
    else if (beats(length, rank, this.feedLength, this.feedRank)) {
      this.feed = explain();
      this.feedLength = length;
      this.feedRank = rank;
    }
  }

  indicatorMatches(list: number[], start: number, path: string): void {
    const q = this.question;
    const length = this.host.length - start + path.length;
    for (const i of list) {
      const record: IndicatorRecord | undefined = this.db.indicators[i];
      if (!record || (record.expiresAt !== null && q.now >= record.expiresAt)) continue;
      if (record.groups.length > 0 && !record.groups.some((g) => q.groups?.includes(g))) continue;
      const explanation: Explanation = {
        kind: 'indicator',
        indicatorId: record.id,
        indicatorType: record.type,
        action: record.action,
        value: record.value,
        title: record.title,
        expression: this.host.slice(start) + path,
      };
      const rank = actionRank(record.action);
      if (record.type === 'IpAddress' && (q.platform === 'ios' || q.platform === 'ipados')) (this.notEnforced ??= []).push(explanation);
      else if (record.action === 'Audit') (this.audits ??= []).push(explanation);
      else if (beats(length, rank, this.indicatorLength, this.indicatorRank)) {
        this.indicator = explanation;
        this.indicatorLength = length;
        this.indicatorRank = rank;
      }
    }
  }

  /** Looks at one host suffix (raw states a, b; its feed payload already probed) and, when the URL is visible, its path prefixes. */
  hostLevel(a: number, b: number, start: number, payload: number): void {
    const db = this.db;
    const domainOnly = this.question.visibility === 'domain-only';
    if (payload & CLASS_MASK) this.feedMatch(payload, start, '');
    if (!domainOnly && payload & HAS_PATHS) {
      for (const p of this.paths()) {
        const found = db.table.get(pathKeyA(a, p.a), pathKeyB(b, p.b));
        if (found & CLASS_MASK) this.feedMatch(found, start, p.text);
      }
    }
    if (db.indicators.length === 0) return;
    const hostKey = keyNumber(domainKeyA(a), domainKeyB(b));
    const list = db.indicatorsByKey.get(hostKey);
    if (list) this.indicatorMatches(list, start, '');
    if (!domainOnly && db.indicatorPathHosts.has(hostKey)) {
      for (const p of this.paths()) {
        const found = db.indicatorsByKey.get(keyNumber(pathKeyA(a, p.a), pathKeyB(b, p.b)));
        if (found) this.indicatorMatches(found, start, p.text);
      }
    }
  }
}

const NONE: Explanation[] = [];
const hostPayload = new Int32Array(MAX_LABELS);
const keyA = new Int32Array(MAX_LABELS);
const keyB = new Int32Array(MAX_LABELS);
/**
 * The common hit, decided without a Walk: feeds only, no path entries below these hosts, no
 * Audit class. The most specific level with an entry is the longest expression, so it wins.
 * Null when it does not apply.
 */
function plainFeedHit(db: ThreatDb, host: string, count: number): Explanation | undefined | null {
  if (db.indicators.length > 0) return null;
  let best = -1;
  for (let k = 0; k <= count; k++) {
    const payload = hostPayload[k] ?? 0;
    if (payload & HAS_PATHS || db.classes[(payload & CLASS_MASK) - 1]?.action === 'Audit') return null;
    // Level 0 is the whole host; above it, the larger k the longer the suffix.
    if (payload & CLASS_MASK && (best < 0 || (best > 0 && k > best))) best = k;
  }
  const cls = db.classes[((hostPayload[best] ?? 0) & CLASS_MASK) - 1];
  return cls && { kind: 'feed', source: cls.source, category: cls.category, action: cls.action, expression: host.slice(suffixStart[best]) };
}

/** Answers a verdict question; never throws on bad input (the answer then carries `error`). */
export function verdict(db: ThreatDb, question: VerdictQuestion): Verdict {
  const domainOnly = question.visibility === 'domain-only';
  const input = question.url;
  let host: string;
  let hostKind: HostKind = 'domain';
  let url: CanonicalUrl | undefined;
  const start = authorityStart(input);
  const end = plainHostEnd(input, start);
  if (end >= 0) host = input.slice(start, end);
  else {
    const parsed = parseUrl(input);
    if ('error' in parsed) return { action: 'None', domainOnly, reason: undefined, audits: NONE, notEnforced: NONE, error: parsed.error };
    url = parsed;
    host = parsed.host;
    hostKind = parsed.hostKind;
  }

  // Right to left over the host: at each dot, the state of the suffix after it. The top-level
  // label alone only when the feeds list single-label (intranet) names: never a public suffix.
  // Level 0 is the whole host.
  let a = SEED_A;
  let b = SEED_B;
  let count = 0;
  let dots = db.meta.singleLabels ? 1 : 0;
  for (let i = host.length - 1; i >= 0; i--) {
    const c = host.charCodeAt(i);
    if (c === 0x2e && hostKind === 'domain' && ++dots >= 2 && count < MAX_LABELS - 1) {
      count++;
      suffixStart[count] = i + 1;
      suffixA[count] = a;
      suffixB[count] = b;
    }
    a = stepA(a, c);
    b = stepB(b, c);
  }
  suffixStart[0] = 0;
  suffixA[0] = a;
  suffixB[0] = b;
  // First probe the feed table alone; only a hit (rare) or indicators need the full walk.
  for (let k = 0; k <= count; k++) {
    keyA[k] = domainKeyA(suffixA[k] ?? 0);
    keyB[k] = domainKeyB(suffixB[k] ?? 0);
  }
  db.table.getMany(count + 1, keyA, keyB, hostPayload);
  let hit = db.indicators.length > 0;
  for (let k = 0; k <= count && !hit; k++) hit = hostPayload[k] !== 0;
  let reason: Explanation | undefined;
  let walk: Walk | undefined;
  if (hit) {
    const plain = plainFeedHit(db, host, count);
    if (plain !== null) reason = plain;
    else {
      walk = new Walk(db, question, host, url);
      for (let k = 0; k <= count; k++) walk.hostLevel(suffixA[k] ?? 0, suffixB[k] ?? 0, suffixStart[k] ?? 0, hostPayload[k] ?? 0);
      reason = walk.indicator ?? walk.feed;
    }
  }
  if (!reason && hostKind === 'domain') {
    const lookalike = db.lookalikes.check(host);
    if (lookalike) reason = { kind: 'lookalike', action: 'Block', rule: lookalike.rule, brand: lookalike.brand, distance: lookalike.distance };
  }
  const action: VerdictAction = reason ? (reason.action as Exclude<IndicatorAction, 'Audit'>) : 'None';
  // One object shape for every answer keeps this call monomorphic.
  return { action, domainOnly, host, reason, audits: walk?.audits ?? NONE, notEnforced: walk?.notEnforced ?? NONE };
}
