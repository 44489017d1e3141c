import type { Kysely } from 'kysely';
import type { Indicator, IndicatorAction, IndicatorType, Severity } from '../../protocol/index.js';
import type { Database, IndicatorTable } from './schema.js';

export type StoredIndicator = Indicator & { tenantId: string };

/** IndicatorStore keeps custom indicators; (type, value) is unique per tenant. */
export interface IndicatorStore {
  /** False when an indicator with that type and value exists already. */
  insertIndicator(i: StoredIndicator): Promise<boolean>;
  getIndicator(tenantId: string, id: string): Promise<StoredIndicator | undefined>;
  listIndicators(tenantId: string): Promise<StoredIndicator[]>;
  deleteIndicator(tenantId: string, id: string): Promise<boolean>;
}

function toIndicator(r: IndicatorTable): StoredIndicator {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    indicatorType: r.indicator_type as IndicatorType,
    indicatorValue: r.indicator_value,
    action: r.action as IndicatorAction,
    title: r.title,
    description: r.description,
    ...(r.expiration_time ? { expirationTime: r.expiration_time } : {}),
    ...(r.severity ? { severity: r.severity as Severity } : {}),
    ...(r.recommended_actions ? { recommendedActions: r.recommended_actions } : {}),
    rbacGroupNames: JSON.parse(r.rbac_group_names) as string[],
    generateAlert: r.generate_alert === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
    lastUpdateTime: r.last_update_time,
  };
}

export function indicatorStore(db: Kysely<Database>): IndicatorStore {
  return {
    async insertIndicator(i) {
      const result = await db
        .insertInto('indicators')
        .values({
          id: i.id,
          tenant_id: i.tenantId,
          indicator_type: i.indicatorType,
          indicator_value: i.indicatorValue,
          action: i.action,
          title: i.title,
          description: i.description,
          expiration_time: i.expirationTime ?? null,
          severity: i.severity ?? null,
          recommended_actions: i.recommendedActions ?? null,
          rbac_group_names: JSON.stringify(i.rbacGroupNames),
          generate_alert: i.generateAlert ? 1 : 0,
          created_at: i.createdAt,
          created_by: i.createdBy,
          last_update_time: i.lastUpdateTime,
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'indicator_type', 'indicator_value']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async getIndicator(tenantId, id) {
      const row = await db.selectFrom('indicators').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return row && toIndicator(row);
    },
    async listIndicators(tenantId) {
      const rows = await db.selectFrom('indicators').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
      return rows.map(toIndicator);
    },
    async deleteIndicator(tenantId, id) {
      const result = await db.deleteFrom('indicators').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
