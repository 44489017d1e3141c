import type { Kysely } from 'kysely';

// Security operations: device reports, timeline, alerts, per-device security state, tags,
// custom indicators, the vulnerability reference data, and webhooks.
export async function up(db: Kysely<unknown>): Promise<void> {
  const tenant = 'tenant_id';
  await db.schema
    .createTable('device_reports')
    .addColumn(tenant, 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // A replayed report id is a duplicate, whatever the client says.
    .addPrimaryKeyConstraint('device_reports_pk', [tenant, 'device_id', 'report_id'])
    .execute();

  await db.schema
    .createTable('timeline_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn(tenant, 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .execute();
  await db.schema.createIndex('timeline_device_time').on('timeline_events').columns([tenant, 'device_id', 'occurred_at', 'id']).execute();
  await db.schema.createIndex('timeline_device_subject').on('timeline_events').columns([tenant, 'device_id', 'type', 'subject', 'occurred_at']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn(tenant, 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('classification', 'text')
    .addColumn('determination', 'text')
    .addColumn('assigned_to', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('first_event_time', 'text', (c) => c.notNull())
    .addColumn('last_event_time', 'text', (c) => c.notNull())
    .addColumn('last_update_time', 'text', (c) => c.notNull())
    .addColumn('resolved_time', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('comments', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_device_status').on('alerts').columns([tenant, 'device_id', 'status']).execute();
  await db.schema.createIndex('alerts_tenant_created').on('alerts').columns([tenant, 'created_at']).execute();

  await db.schema
    .createTable('device_security')
    .addColumn(tenant, 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('risk_level', 'text', (c) => c.notNull())
    .addColumn('risk_explanation', 'text', (c) => c.notNull())
    .addColumn('jailbroken', 'integer', (c) => c.notNull())
    .addColumn('compliant', 'integer')
    .addColumn('apps', 'text')
    .addColumn('app_scope', 'text')
    .addColumn('inventory_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_security_pk', [tenant, 'device_id'])
    .execute();
  await db.schema.createIndex('device_security_risk').on('device_security').columns([tenant, 'risk_level']).execute();

  await db.schema
    .createTable('device_tags')
    .addColumn(tenant, 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_tags_pk', [tenant, 'device_id', 'source', 'tag'])
    .execute();
  await db.schema.createIndex('device_tags_tag').on('device_tags').columns([tenant, 'tag']).execute();

  await db.schema
    .createTable('indicators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn(tenant, 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('indicator_type', 'text', (c) => c.notNull())
    .addColumn('indicator_value', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('expiration_time', 'text')
    .addColumn('severity', 'text')
    .addColumn('recommended_actions', 'text')
    .addColumn('rbac_group_names', 'text', (c) => c.notNull())
    .addColumn('generate_alert', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_update_time', 'text', (c) => c.notNull())
    .addUniqueConstraint('indicators_value_unique', [tenant, 'indicator_type', 'indicator_value'])
    .execute();

  // Public reference data (Apple releases, KEV, app advisories): the same for every tenant,
  // so this is the one table without a tenant id.
  await db.schema
    .createTable('reference_data')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn(tenant, 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // Kept in clear: signing needs the secret itself, not a hash of it.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn(tenant, 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text')
    .execute();
  await db.schema.createIndex('webhook_deliveries_hook').on('webhook_deliveries').columns([tenant, 'webhook_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['webhook_deliveries', 'webhooks', 'reference_data', 'indicators', 'device_tags', 'device_security', 'alerts', 'timeline_events', 'device_reports']) {
    await db.schema.dropTable(table).execute();
  }
}
