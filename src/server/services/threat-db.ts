import { createHash } from 'node:crypto';
import type { ThreatDbAnnouncement, ThreatDbDownload } from '../../protocol/index.js';
import { buildThreatDb, createDelta, loadThreatDb, serializeThreatDb, threatDbChecksum, type FeedEntry, type ThreatDb } from '../../verdict/index.js';
import type { DevicePrincipal } from '../auth/authz.js';
import type { Storage } from '../storage/storage.js';
import type { ThreatDbVersion } from '../storage/threat-databases.js';
import type { Clock } from './auth.js';

/** Versions kept per tenant: a device that was away longer than that gets the whole file. */
export const KEEP_VERSIONS = 8;
/** Feeds are imported by another process (the CLI): look for a new import this often. */
const FEED_CHECK_MS = 30_000;

interface Current {
  version: ThreatDbVersion;
  db: ThreatDb;
  bytes: Uint8Array;
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/**
 * Each tenant's threat database: the public feeds plus the tenant's indicators, rebuilt when
 * either changed (an indicator write here calls `invalidate`; feed imports and other API nodes'
 * indicator writes are noticed within 30 s),
 * announced in every heartbeat, and served to devices as a delta from the version they have.
 */
export class ThreatDbService {
  private readonly current = new Map<string, Current>();
  private readonly stale = new Set<string>();
  private readonly building = new Map<string, Promise<Current>>();
  private readonly deltas = new Map<string, Uint8Array>();
  /** When each tenant's indicators were last compared with its database (other nodes write too). */
  private readonly checkedAt = new Map<string, number>();
  private feeds: { stamp: string; checkedAt: number } | undefined;

  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
  ) {}

  invalidate(tenantId: string): void {
    this.stale.add(tenantId);
  }

  async announce(tenantId: string): Promise<ThreatDbAnnouncement> {
    const { version } = await this.ensure(tenantId);
    return { sequence: version.sequence, checksum: version.checksum, size: version.size };
  }

  async download(principal: DevicePrincipal, have: number | undefined): Promise<ThreatDbDownload> {
    const cur = await this.ensure(principal.tenantId);
    const { sequence } = cur.version;
    if (have !== undefined && have < sequence) {
      const delta = await this.delta(principal.tenantId, have, cur);
      if (delta) return { sequence, kind: 'delta', base: have, data: Buffer.from(delta).toString('base64') };
    }
    return { sequence, kind: 'full', base: null, data: Buffer.from(cur.bytes).toString('base64') };
  }

  private async delta(tenantId: string, from: number, cur: Current): Promise<Uint8Array | undefined> {
    const key = `${tenantId}:${from}:${cur.version.sequence}`;
    const cached = this.deltas.get(key);
    if (cached) return cached;
    const old = await this.store.threatDbBytes(tenantId, from);
    if (!old) return undefined;
    let delta: Uint8Array;
    try {
      delta = createDelta(old, cur.db);
    } catch {
      // Versions with other bucket sizes have no delta between them: the whole file goes.
      return undefined;
    }
    if (this.deltas.size > 256) this.deltas.delete(this.deltas.keys().next().value!);
    this.deltas.set(key, delta);
    return delta;
  }

  private async feedStamp(): Promise<string> {
    const now = this.clock.now().getTime();
    if (!this.feeds || now - this.feeds.checkedAt > FEED_CHECK_MS) this.feeds = { stamp: await this.store.feedStamps(), checkedAt: now };
    return this.feeds.stamp;
  }

  /** The tenant's current database, built first if its sources changed; one build at a time. */
  private ensure(tenantId: string): Promise<Current> {
    let pending = this.building.get(tenantId);
    if (!pending) {
      pending = this.refresh(tenantId).finally(() => this.building.delete(tenantId));
      this.building.set(tenantId, pending);
    }
    return pending;
  }

  private async refresh(tenantId: string): Promise<Current> {
    const feedStamp = await this.feedStamp();
    let cur = this.current.get(tenantId);
    if (!cur) {
      const latest = await this.store.latestThreatDb(tenantId);
      const bytes = latest && (await this.store.threatDbBytes(tenantId, latest.sequence));
      if (latest && bytes) cur = { version: latest, bytes, db: loadThreatDb(bytes) };
      this.stale.add(tenantId);
    }
    const now = this.clock.now();
    const recent = now.getTime() - (this.checkedAt.get(tenantId) ?? 0) < FEED_CHECK_MS;
    if (cur && recent && !this.stale.has(tenantId) && cur.version.stamp.startsWith(`${feedStamp}|`)) return cur;
    this.stale.delete(tenantId);
    this.checkedAt.set(tenantId, now.getTime());

    const indicators = (await this.store.listIndicators(tenantId)).map(({ tenantId: _t, ...indicator }) => indicator);
    const stamp = `${feedStamp}|${digest(indicators.map((i) => `${i.id}@${i.lastUpdateTime}`).sort().join(','))}`;
    if (cur && cur.version.stamp === stamp) {
      this.current.set(tenantId, cur);
      return cur;
    }
    const feeds = await this.store.listFeeds();
    const entries = feeds.reduce((n, f) => n + f.entries.length, 0);
    function* feedEntries(): Iterable<FeedEntry> {
      for (const f of feeds) for (const value of f.entries) yield { value, source: f.source, category: f.category, action: f.action };
    }
    // Keep the bucket size while the lists have not doubled, so devices get a delta, not the file.
    const bucketBits = cur && entries <= 2 * Math.max(cur.version.entries, 1) ? cur.version.bucketBits : undefined;
    const sequence = (cur?.version.sequence ?? 0) + 1;
    const { db } = buildThreatDb({
      feeds: feedEntries(),
      indicators: indicators.filter((i) => !i.expirationTime || Date.parse(i.expirationTime) > now.getTime()),
      sequence,
      ...(bucketBits === undefined ? {} : { bucketBits }),
    });
    const bytes = serializeThreatDb(db);
    const version: ThreatDbVersion = {
      tenantId,
      sequence,
      stamp,
      checksum: threatDbChecksum(bytes),
      bucketBits: db.table.bits,
      entries,
      size: bytes.length,
      createdAt: now.toISOString(),
    };
    try {
      await this.store.saveThreatDb(version, bytes, KEEP_VERSIONS);
    } catch (err) {
      // Another API node stored this sequence first: use the newest stored one.
      const latest = await this.store.latestThreatDb(tenantId);
      const stored = latest && (await this.store.threatDbBytes(tenantId, latest.sequence));
      if (!latest || !stored) throw err;
      cur = { version: latest, bytes: stored, db: loadThreatDb(stored) };
      this.current.set(tenantId, cur);
      return cur;
    }
    cur = { version, bytes, db };
    this.current.set(tenantId, cur);
    return cur;
  }
}
