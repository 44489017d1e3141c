import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface Feed {
  source: string;
  category: string;
  action: 'Block' | 'Warn';
  entries: string[];
  importedAt: string;
}

export interface ThreatDbVersion {
  tenantId: string;
  sequence: number;
  /** What it was built from (feeds and indicators); equal stamps need no new version. */
  stamp: string;
  checksum: string;
  bucketBits: number;
  entries: number;
  size: number;
  createdAt: string;
}

/** ThreatDbStore keeps the public feeds and each tenant's recent threat database versions. */
export interface ThreatDbStore {
  /** Replaces the feed of that source. */
  putFeed(feed: Feed): Promise<void>;
  listFeeds(): Promise<Feed[]>;
  /** What changes when any feed is imported: source, time and size of each. */
  feedStamps(): Promise<string>;
  latestThreatDb(tenantId: string): Promise<ThreatDbVersion | undefined>;
  threatDbBytes(tenantId: string, sequence: number): Promise<Uint8Array | undefined>;
  /** Stores a version and keeps only the newest `keep` of the tenant. */
  saveThreatDb(version: ThreatDbVersion, bytes: Uint8Array, keep: number): Promise<void>;
}

const toVersion = (r: Omit<Database['threat_databases'], 'bytes'>): ThreatDbVersion => ({
  tenantId: r.tenant_id,
  sequence: Number(r.sequence),
  stamp: r.stamp,
  checksum: r.checksum,
  bucketBits: Number(r.bucket_bits),
  entries: Number(r.entries),
  size: Number(r.size),
  createdAt: r.created_at,
});

export function threatDbStore(db: Kysely<Database>): ThreatDbStore {
  return {
    async putFeed(f) {
      const row = { category: f.category, action: f.action, entries: f.entries.join('\n'), entry_count: f.entries.length, imported_at: f.importedAt };
      await db
        .insertInto('feeds')
        .values({ source: f.source, ...row })
        .onConflict((oc) => oc.column('source').doUpdateSet(row))
        .execute();
    },
    async listFeeds() {
      const rows = await db.selectFrom('feeds').selectAll().orderBy('source').execute();
      return rows.map((r) => ({ source: r.source, category: r.category, action: r.action as Feed['action'], entries: r.entries ? r.entries.split('\n') : [], importedAt: r.imported_at }));
    },
    async feedStamps() {
      const rows = await db.selectFrom('feeds').select(['source', 'imported_at', 'entry_count']).orderBy('source').execute();
      return rows.map((r) => `${r.source}@${r.imported_at}#${Number(r.entry_count)}`).join(',');
    },
    async latestThreatDb(tenantId) {
      const row = await db
        .selectFrom('threat_databases')
        .select(['tenant_id', 'sequence', 'stamp', 'checksum', 'bucket_bits', 'entries', 'size', 'created_at'])
        .where('tenant_id', '=', tenantId)
        .orderBy('sequence', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toVersion(row);
    },
    async threatDbBytes(tenantId, sequence) {
      const row = await db.selectFrom('threat_databases').select('bytes').where('tenant_id', '=', tenantId).where('sequence', '=', sequence).executeTakeFirst();
      return row && new Uint8Array(Buffer.from(row.bytes, 'base64'));
    },
    async saveThreatDb(v, bytes, keep) {
      await db
        .insertInto('threat_databases')
        .values({
          tenant_id: v.tenantId,
          sequence: v.sequence,
          stamp: v.stamp,
          checksum: v.checksum,
          bucket_bits: v.bucketBits,
          entries: v.entries,
          size: v.size,
          bytes: Buffer.from(bytes).toString('base64'),
          created_at: v.createdAt,
        })
        .execute();
      await db.deleteFrom('threat_databases').where('tenant_id', '=', v.tenantId).where('sequence', '<=', v.sequence - keep).execute();
    },
  };
}
