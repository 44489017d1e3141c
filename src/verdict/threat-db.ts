// The threat database: feed entries in a compact key table, the tenant's indicators as records
// (at most thousands, each with groups and expiry), and the protected brands for look-alikes.
import type { Indicator, IndicatorAction, IndicatorType } from '../protocol/indicators.js';
import { indicatorTarget } from './indicator-rules.js';
import { domainKeyA, domainKeyB, hostState, keyNumber, pathKeyA, pathKeyB, pathState } from './key.js';
import { bucketBitsFor, buildKeyTable, CLASS_MASK, HAS_PATHS, type KeyTable } from './key-table.js';
import { DEFAULT_BRANDS, LookalikeMatcher, type BrandRule } from './lookalike.js';
import { actionRank } from './precedence.js';
import { isPublicSuffix, parseTarget, type Target } from './target.js';

/** One line of a feed: a domain, host/path or URL, where it came from and what to do. */
export interface FeedEntry {
  value: string;
  /** The feed's name, shown in explanations: `eth-phishing-detect`, `openphish`. */
  source: string;
  /** `phishing`, `malware`, `allowlist`… */
  category: string;
  /** Default Block. */
  action?: IndicatorAction;
}

/** What a feed match reports; entries of one feed share one class. */
export interface FeedClass {
  source: string;
  category: string;
  action: IndicatorAction;
}

/** An indicator as the database keeps it: what the verdict needs and what an explanation shows. */
export interface IndicatorRecord {
  id: string;
  type: IndicatorType;
  action: IndicatorAction;
  value: string;
  title: string;
  host: string;
  /** '' for a whole host, else a path prefix or exact '/path?query' (see Target). */
  path: string;
  /** Device groups it applies to; empty = every device. */
  groups: string[];
  /** Milliseconds since the epoch after which it stops applying, or null. */
  expiresAt: number | null;
}

export interface BuildInput {
  feeds?: Iterable<FeedEntry>;
  indicators?: readonly Indicator[];
  /** Protected brands for look-alike detection; default DEFAULT_BRANDS. */
  brands?: readonly BrandRule[];
  /** Version number of this database, carried by deltas. */
  sequence?: number;
  /** Bucket bits of the key table; give the previous version's so a delta can go between them. */
  bucketBits?: number;
  /** Called every 65,536 feed entries with the count so far (progress bars). */
  onProgress?: (entries: number) => void;
}

export interface RejectedEntry {
  /** `feed` entries are counted across all feeds in input order; `indicator` by position. */
  kind: 'feed' | 'indicator';
  index: number;
  value: string;
  reason: string;
}

const MAX_CLASSES = CLASS_MASK;

/** The small part of a database, kept as JSON in the file and in deltas. */
export interface ThreatDbMeta {
  classes: FeedClass[];
  indicators: IndicatorRecord[];
  brands: BrandRule[];
  /** Whether some feed entry is a single label (an intranet name); if not, verdicts skip probing top-level labels. */
  singleLabels: boolean;
}

/** An immutable, loaded threat database. Build it with buildThreatDb or load it with loadThreatDb. */
export class ThreatDb {
  readonly classes: readonly FeedClass[];
  readonly indicators: readonly IndicatorRecord[];
  readonly brands: readonly BrandRule[];
  /** Indicator record numbers by target key. */
  readonly indicatorsByKey = new Map<number, number[]>();
  /** Domain keys of hosts that have URL indicators below them. */
  readonly indicatorPathHosts = new Set<number>();
  readonly lookalikes: LookalikeMatcher;

  constructor(
    readonly sequence: number,
    readonly meta: ThreatDbMeta,
    readonly table: KeyTable,
  ) {
    this.classes = meta.classes;
    this.indicators = meta.indicators;
    this.brands = meta.brands;
    this.lookalikes = new LookalikeMatcher(meta.brands);
    meta.indicators.forEach((record, i) => {
      const [a, b] = hostState(record.host);
      const hostKey = keyNumber(domainKeyA(a), domainKeyB(b));
      let key = hostKey;
      if (record.path !== '') {
        const [pa, pb] = pathState(record.path);
        key = keyNumber(pathKeyA(a, pa), pathKeyB(b, pb));
        this.indicatorPathHosts.add(hostKey);
      }
      const list = this.indicatorsByKey.get(key);
      if (list) list.push(i);
      else this.indicatorsByKey.set(key, [i]);
    });
  }

  /** Feed entries (distinct keys, path markers included). */
  get size(): number {
    return this.table.size;
  }
}

function classKey(c: FeedClass): string {
  return `${c.source}\u0000${c.category}\u0000${c.action}`;
}

function compareClasses(x: FeedClass, y: FeedClass): number {
  return x.source < y.source ? -1 : x.source > y.source ? 1 : x.category < y.category ? -1 : x.category > y.category ? 1 : actionRank(y.action) - actionRank(x.action);
}

/** Growable typed columns for the entries before the table is built. */
class Columns {
  length = 0;
  a = new Uint32Array(1024);
  b = new Uint32Array(1024);
  payload = new Uint8Array(1024);

  push(a: number, b: number, payload: number): void {
    if (this.length === this.a.length) {
      const grow = <T extends Uint32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
        const next = make(old.length * 2);
        next.set(old);
        return next;
      };
      this.a = grow(this.a, (n) => new Uint32Array(n));
      this.b = grow(this.b, (n) => new Uint32Array(n));
      this.payload = grow(this.payload, (n) => new Uint8Array(n));
    }
    this.a[this.length] = a;
    this.b[this.length] = b;
    this.payload[this.length] = payload;
    this.length++;
  }
}

/** Merges two payloads of one key: path markers add up; of two classes, the stronger action (then the first class) wins. */
export function mergePayloads(classes: readonly FeedClass[]): (x: number, y: number) => number {
  return (x, y) => {
    const cx = x & CLASS_MASK;
    const cy = y & CLASS_MASK;
    let cls = cx || cy;
    if (cx && cy) {
      const rx = actionRank(classes[cx - 1]!.action);
      const ry = actionRank(classes[cy - 1]!.action);
      cls = rx > ry || (rx === ry && cx < cy) ? cx : cy;
    }
    return ((x | y) & HAS_PATHS) | cls;
  };
}

function indicatorRecord(indicator: Indicator, target: Target): IndicatorRecord {
  return {
    id: indicator.id,
    type: indicator.indicatorType,
    action: indicator.action,
    value: indicator.indicatorValue,
    title: indicator.title,
    host: target.host,
    path: target.path,
    groups: [...indicator.rbacGroupNames].sort(),
    expiresAt: indicator.expirationTime === undefined ? null : Date.parse(indicator.expirationTime),
  };
}

/** Makes the table from key columns whose payloads hold provisional class numbers. */
export function tableFromColumns(bits: number, columns: { length: number; a: Uint32Array; b: Uint32Array; payload: Uint8Array }, classes: readonly FeedClass[]): KeyTable {
  const shift = 32 - bits;
  const buckets = new Uint32Array(columns.length);
  for (let i = 0; i < columns.length; i++) buckets[i] = (columns.a[i] ?? 0) >>> shift;
  return buildKeyTable(bits, columns.length, buckets, columns.b, columns.payload, mergePayloads(classes));
}

/**
 * Compiles feeds and indicators into a database. Entries that are not URLs or hosts, top-level
 * domains (`com`) and invalid indicators are returned in `rejected`, not thrown: a feed with a
 * few bad lines still loads.
 */
export function buildThreatDb(input: BuildInput): { db: ThreatDb; rejected: RejectedEntry[] } {
  const rejected: RejectedEntry[] = [];
  const classes: FeedClass[] = [];
  const classIndex = new Map<string, number>();
  const columns = new Columns();
  let last: { source: string; category: string; action: IndicatorAction; number: number } | undefined;
  let index = 0;
  let singleLabels = false;
  for (const entry of input.feeds ?? []) {
    const i = index++;
    if ((i & 0xffff) === 0 && i > 0) input.onProgress?.(i);
    const action = entry.action ?? 'Block';
    if (!last || last.source !== entry.source || last.category !== entry.category || last.action !== action) {
      const cls = { source: entry.source, category: entry.category, action };
      let number = classIndex.get(classKey(cls));
      if (number === undefined) {
        if (classes.length === MAX_CLASSES) throw new Error(`more than ${MAX_CLASSES} feed source × category × action combinations`);
        classes.push(cls);
        number = classes.length;
        classIndex.set(classKey(cls), number);
      }
      last = { ...cls, number };
    }
    const target = parseTarget(entry.value);
    // Only single labels are checked against the PSL here: a lookup for each of a million entries would double the build time.
    if ('error' in target || (target.hostKind === 'domain' && !target.host.includes('.') && isPublicSuffix(target.host))) {
      rejected.push({ kind: 'feed', index: i, value: entry.value, reason: 'error' in target ? target.error : 'a top-level domain would match every site under it' });
      continue;
    }
    if (target.hostKind === 'domain' && !target.host.includes('.')) singleLabels = true;
    const [a, b] = hostState(target.host);
    if (target.path === '') {
      columns.push(domainKeyA(a), domainKeyB(b), last.number);
    } else {
      const [pa, pb] = pathState(target.path);
      columns.push(pathKeyA(a, pa), pathKeyB(b, pb), last.number);
      columns.push(domainKeyA(a), domainKeyB(b), HAS_PATHS);
    }
  }
  // Classes in a canonical order, so the same feeds give the same bytes whatever order they came in.
  const order = classes.map((c, i) => ({ c, i })).sort((x, y) => compareClasses(x.c, y.c));
  const remap = new Uint8Array(classes.length + 1);
  order.forEach(({ i }, rank) => (remap[i + 1] = rank + 1));
  for (let i = 0; i < columns.length; i++) {
    const p = columns.payload[i] ?? 0;
    columns.payload[i] = (p & HAS_PATHS) | (remap[p & CLASS_MASK] ?? 0);
  }
  const sortedClasses = order.map(({ c }) => c);
  const table = tableFromColumns(input.bucketBits ?? bucketBitsFor(columns.length), columns, sortedClasses);

  const indicators: IndicatorRecord[] = [];
  (input.indicators ?? []).forEach((indicator, i) => {
    const target = indicatorTarget(indicator.indicatorType, indicator.indicatorValue);
    if ('message' in target) rejected.push({ kind: 'indicator', index: i, value: indicator.indicatorValue, reason: target.message });
    else indicators.push(indicatorRecord(indicator, target));
  });
  indicators.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const db = new ThreatDb(input.sequence ?? 0, { classes: sortedClasses, indicators, brands: [...(input.brands ?? DEFAULT_BRANDS)], singleLabels }, table);
  return { db, rejected };
}

