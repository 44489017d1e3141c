import type { Kysely } from 'kysely';
import type { DeviceTags } from '../../protocol/index.js';
import type { Database } from './schema.js';

/** TagStore keeps device tags: one from configuration (`DefenderDeviceTag`) and any number added by hand. */
export interface TagStore {
  /** Replaces the configuration tag; null removes it. */
  setConfigurationTag(tenantId: string, deviceId: string, tag: string | null): Promise<void>;
  addManualTag(tenantId: string, deviceIds: readonly string[], tag: string): Promise<void>;
  removeManualTag(tenantId: string, deviceIds: readonly string[], tag: string): Promise<void>;
  tagsOf(tenantId: string, deviceIds: readonly string[]): Promise<Map<string, DeviceTags>>;
}

export function tagStore(db: Kysely<Database>): TagStore {
  return {
    async setConfigurationTag(tenantId, deviceId, tag) {
      await db.deleteFrom('device_tags').where('tenant_id', '=', tenantId).where('device_id', '=', deviceId).where('source', '=', 'configuration').execute();
      if (tag !== null) await db.insertInto('device_tags').values({ tenant_id: tenantId, device_id: deviceId, source: 'configuration', tag }).execute();
    },
    async addManualTag(tenantId, deviceIds, tag) {
      if (deviceIds.length === 0) return;
      await db
        .insertInto('device_tags')
        .values(deviceIds.map((id) => ({ tenant_id: tenantId, device_id: id, source: 'manual', tag })))
        .onConflict((oc) => oc.columns(['tenant_id', 'device_id', 'source', 'tag']).doNothing())
        .execute();
    },
    async removeManualTag(tenantId, deviceIds, tag) {
      if (deviceIds.length === 0) return;
      await db.deleteFrom('device_tags').where('tenant_id', '=', tenantId).where('device_id', 'in', deviceIds).where('source', '=', 'manual').where('tag', '=', tag).execute();
    },
    async tagsOf(tenantId, deviceIds) {
      const result = new Map<string, DeviceTags>(deviceIds.map((id) => [id, { configuration: null, manual: [] }]));
      if (deviceIds.length === 0) return result;
      const rows = await db.selectFrom('device_tags').selectAll().where('tenant_id', '=', tenantId).where('device_id', 'in', deviceIds).orderBy('tag').execute();
      for (const r of rows) {
        const tags = result.get(r.device_id);
        if (!tags) continue;
        if (r.source === 'configuration') tags.configuration = r.tag;
        else tags.manual.push(r.tag);
      }
      return result;
    },
  };
}
