import type { Kysely } from 'kysely';
import type { WebhookDelivery, WebhookEventType, WebhookView } from '../../protocol/index.js';
import type { Database, WebhookDeliveryTable } from './schema.js';

export type StoredWebhook = WebhookView & { tenantId: string; secret: string };
export type StoredDelivery = WebhookDelivery & { tenantId: string; webhookId: string; payload: string };

/** WebhookStore keeps subscriptions and the log of every delivery attempt. */
export interface WebhookStore {
  insertWebhook(w: StoredWebhook): Promise<void>;
  listWebhooks(tenantId: string): Promise<StoredWebhook[]>;
  deleteWebhook(tenantId: string, id: string): Promise<boolean>;
  insertDelivery(d: StoredDelivery): Promise<void>;
  updateDelivery(tenantId: string, id: string, set: Pick<WebhookDelivery, 'status' | 'responseStatus' | 'error' | 'nextAttemptAt'>): Promise<void>;
  /**
   * Takes a pending attempt due at `due` by moving its due time to `leaseUntil`; false when
   * another worker took it first or it is gone. An attempt whose worker dies is due again when
   * the lease ends.
   */
  claimDelivery(tenantId: string, id: string, due: string, leaseUntil: string): Promise<boolean>;
  /** Attempts still to be made, soonest first. */
  pendingDeliveries(tenantId: string): Promise<StoredDelivery[]>;
  /** Newest first. */
  listDeliveries(tenantId: string, webhookId: string, limit: number): Promise<StoredDelivery[]>;
}

function toDelivery(r: WebhookDeliveryTable): StoredDelivery {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    webhookId: r.webhook_id,
    eventId: r.event_id,
    event: r.event as WebhookEventType,
    payload: r.payload,
    attempt: r.attempt,
    status: r.status as WebhookDelivery['status'],
    responseStatus: r.response_status,
    error: r.error,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
  };
}

export function webhookStore(db: Kysely<Database>): WebhookStore {
  return {
    async insertWebhook(w) {
      await db
        .insertInto('webhooks')
        .values({ id: w.id, tenant_id: w.tenantId, url: w.url, events: JSON.stringify(w.events), description: w.description, secret: w.secret, created_at: w.createdAt })
        .execute();
    },
    async listWebhooks(tenantId) {
      const rows = await db.selectFrom('webhooks').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute();
      return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, url: r.url, events: JSON.parse(r.events) as WebhookEventType[], description: r.description, secret: r.secret, createdAt: r.created_at }));
    },
    async deleteWebhook(tenantId, id) {
      const result = await db.deleteFrom('webhooks').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async insertDelivery(d) {
      await db
        .insertInto('webhook_deliveries')
        .values({
          id: d.id,
          tenant_id: d.tenantId,
          webhook_id: d.webhookId,
          event_id: d.eventId,
          event: d.event,
          payload: d.payload,
          attempt: d.attempt,
          status: d.status,
          response_status: d.responseStatus,
          error: d.error,
          created_at: d.createdAt,
          next_attempt_at: d.nextAttemptAt,
        })
        .execute();
    },
    async updateDelivery(tenantId, id, set) {
      await db
        .updateTable('webhook_deliveries')
        .set({ status: set.status, response_status: set.responseStatus, error: set.error, next_attempt_at: set.nextAttemptAt })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
    },
    async claimDelivery(tenantId, id, due, leaseUntil) {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: leaseUntil })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '=', due)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async pendingDeliveries(tenantId) {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'pending')
        .orderBy('next_attempt_at')
        .execute();
      return rows.map(toDelivery);
    },
    async listDeliveries(tenantId, webhookId, limit) {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('webhook_id', '=', webhookId)
        .orderBy('created_at', 'desc')
        .orderBy('attempt', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toDelivery);
    },
  };
}
