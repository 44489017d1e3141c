import type { Kysely } from 'kysely';

// Webhook retries live in the delivery log (a `pending` row is an attempt still to be made, due
// at `next_attempt_at`); the server looks them up per tenant when it starts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('webhook_deliveries_pending').on('webhook_deliveries').columns(['tenant_id', 'status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_pending').execute();
}
