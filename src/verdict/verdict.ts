// The question asked for every connection: what does this database say about this URL, for this
// device, now? Indicators (the tenant's own decisions) come first, then feeds, then look-alikes;
// within each, the longest matching expression wins, and for one expression Allowed beats Warn
// beats Block.
import type { Platform } from '../protocol/enums.js';
import type { IndicatorAction, IndicatorType } from '../protocol/indicators.js';
import { parseUrl, type CanonicalUrl } from './canonical.js';
import { domainKeyA, domainKeyB, keyNumber, pathKeyA, pathKeyB, SEED_A, SEED_B, stepA, stepB } from './key.js';
import { CLASS_MASK, HAS_PATHS } from './key-table.js';
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
  /** What decided the action. */
  reason?: Explanation;
  /** Audit indicators that matched: recorded, not enforced. */
  audits: Explanation[];
  /** Indicators that matched but are not enforced on this platform (IP indicators on iOS). */
  notEnforced: Explanation[];
  /** Why the URL could not be read; the action is then None. */
  error?: string;
}

const MAX_LABELS = 128;
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

/** The best match so far: longer expression, then stronger action. */
interface Best {
  length: number;
  rank: number;
  explanation: Explanation | undefined;
}

function better(best: Best, length: number, action: IndicatorAction): boolean {
  return length > best.length || (length === best.length && actionRank(action) > best.rank);
}

function offer(best: Best, length: number, explanation: Explanation & { action: IndicatorAction }): void {
  if (better(best, length, explanation.action)) {
    best.length = length;
    best.rank = actionRank(explanation.action);
    best.explanation = explanation;
  }
}

class Walk {
  readonly feed: Best = { length: -1, rank: 0, explanation: undefined };
  readonly indicator: Best = { length: -1, rank: 0, explanation: undefined };
  audits: Explanation[] | undefined;
  notEnforced: Explanation[] | undefined;
  private prefixes: PathPrefix[] | undefined;

  constructor(
    readonly db: ThreatDb,
    readonly question: VerdictQuestion,
    readonly url: CanonicalUrl,
  ) {}

  paths(): PathPrefix[] {
    return (this.prefixes ??= pathPrefixes(this.url));
  }

  feedMatch(payload: number, expression: string, hostLength: number): void {
    const cls = this.db.classes[(payload & CLASS_MASK) - 1];
    if (!cls) return;
    const explanation: Explanation = { kind: 'feed', ...cls, expression };
    if (cls.action === 'Audit') (this.audits ??= []).push(explanation);
    else offer(this.feed, hostLength, explanation);
  }

  indicatorMatches(list: number[], expression: string, length: number): void {
    const q = this.question;
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
        expression,
      };
      if (record.type === 'IpAddress' && (q.platform === 'ios' || q.platform === 'ipados')) (this.notEnforced ??= []).push(explanation);
      else if (record.action === 'Audit') (this.audits ??= []).push(explanation);
      else offer(this.indicator, length, explanation);
    }
  }

  /** Looks up one host suffix (raw states a, b) and, when the URL is visible, its path prefixes. */
  hostLevel(a: number, b: number, suffix: string): void {
    const db = this.db;
    const domainOnly = this.question.visibility === 'domain-only';
    const ka = domainKeyA(a);
    const kb = domainKeyB(b);
    const payload = db.table.get(ka, kb);
    if (payload & CLASS_MASK) this.feedMatch(payload, suffix, suffix.length);
    if (!domainOnly && payload & HAS_PATHS) {
      for (const p of this.paths()) {
        const found = db.table.get(pathKeyA(a, p.a), pathKeyB(b, p.b));
        if (found & CLASS_MASK) this.feedMatch(found, suffix + p.text, suffix.length + p.text.length);
      }
    }
    if (db.indicators.length === 0) return;
    const hostKey = keyNumber(ka, kb);
    const list = db.indicatorsByKey.get(hostKey);
    if (list) this.indicatorMatches(list, suffix, suffix.length);
    if (!domainOnly && db.indicatorPathHosts.has(hostKey)) {
      for (const p of this.paths()) {
        const found = db.indicatorsByKey.get(keyNumber(pathKeyA(a, p.a), pathKeyB(b, p.b)));
        if (found) this.indicatorMatches(found, suffix + p.text, suffix.length + p.text.length);
      }
    }
  }
}

const NONE: Explanation[] = [];

/** Answers a verdict question; never throws on bad input (the answer then carries `error`). */
export function verdict(db: ThreatDb, question: VerdictQuestion): Verdict {
  const domainOnly = question.visibility === 'domain-only';
  const url = parseUrl(question.url);
  if ('error' in url) return { action: 'None', domainOnly, audits: NONE, notEnforced: NONE, error: url.error };
  const host = url.host;
  const walk = new Walk(db, question, url);

  // Right to left over the host: at each dot, the state of the suffix after it (the top-level
  // label too: feeds may list intranet single-label names, never a public suffix).
  let count = 0;
  let a = SEED_A;
  let b = SEED_B;
  if (url.hostKind === 'domain') {
    for (let i = host.length - 1; i >= 0; i--) {
      const c = host.charCodeAt(i);
      if (c === 0x2e && count < MAX_LABELS - 1) {
        suffixStart[count] = i + 1;
        suffixA[count] = a;
        suffixB[count] = b;
        count++;
      }
      a = stepA(a, c);
      b = stepB(b, c);
    }
  } else {
    for (let i = host.length - 1; i >= 0; i--) {
      a = stepA(a, host.charCodeAt(i));
      b = stepB(b, host.charCodeAt(i));
    }
  }
  walk.hostLevel(a, b, host);
  for (let k = count - 1; k >= 0; k--) walk.hostLevel(suffixA[k] ?? 0, suffixB[k] ?? 0, host.slice(suffixStart[k]));

  let reason = walk.indicator.explanation ?? walk.feed.explanation;
  if (!reason && url.hostKind === 'domain') {
    const hit = db.lookalikes.check(host);
    if (hit) reason = { kind: 'lookalike', action: 'Block', ...hit };
  }
  const action: VerdictAction = reason ? (reason.action as Exclude<IndicatorAction, 'Audit'>) : 'None';
  return { action, domainOnly, host, ...(reason && { reason }), audits: walk.audits ?? NONE, notEnforced: walk.notEnforced ?? NONE };
}
