import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type ReferenceDataName = 'apple-releases' | 'kev' | 'app-advisories';

/** VulnerabilityDataStore keeps the public vulnerability data sets, replaced whole on import. */
export interface VulnerabilityDataStore {
  putReferenceData(name: ReferenceDataName, body: unknown, at: string): Promise<void>;
  getReferenceData(name: ReferenceDataName): Promise<{ body: unknown; importedAt: string } | undefined>;
}

export function vulnerabilityDataStore(db: Kysely<Database>): VulnerabilityDataStore {
  return {
    async putReferenceData(name, body, at) {
      const row = { name, body: JSON.stringify(body), imported_at: at };
      await db
        .insertInto('reference_data')
        .values(row)
        .onConflict((oc) => oc.column('name').doUpdateSet({ body: row.body, imported_at: at }))
        .execute();
    },
    async getReferenceData(name) {
      const row = await db.selectFrom('reference_data').selectAll().where('name', '=', name).executeTakeFirst();
      return row && { body: JSON.parse(row.body) as unknown, importedAt: row.imported_at };
    },
  };
}
