// Row types for kysely. Timestamps are ISO 8601 text and booleans 0/1 integers so that one set of
// queries means the same on SQLite and PostgreSQL; ids are UUIDs made by the server.

export interface TenantTable {
  id: string;
  name: string;
  /** JSON object of tenant settings. */
  settings: string;
  created_at: string;
}

export interface AdminTable {
  id: string;
  tenant_id: string;
  email: string;
  role: string;
  password_hash: string;
  created_at: string;
}

export interface SessionTable {
  id: string;
  tenant_id: string;
  admin_id: string;
  secret_hash: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokenTable {
  id: string;
  tenant_id: string;
  name: string;
  role: string;
  secret_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface EnrollmentTokenTable {
  id: string;
  tenant_id: string;
  name: string;
  secret_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface DeviceTable {
  id: string;
  tenant_id: string;
  secret_hash: string;
  enrollment_token_id: string;
  platform: string;
  os_version: string;
  os_build: string | null;
  model: string;
  device_name: string | null;
  serial_number: string | null;
  supervised: number;
  management: string;
  user_principal_name: string | null;
  authenticator_account: string | null;
  shared_device: number;
  agent_version: string;
  enrolled_at: string;
  last_seen_at: string | null;
  /** JSON ProtectionStatus from the last heartbeat. */
  protection: string | null;
  config_version: string | null;
}

export interface GroupTable {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  /** JSON array of lower-case UPNs. */
  users: string;
  /** JSON array of device ids. */
  devices: string;
  created_at: string;
  updated_at: string;
}

export interface PolicyTable {
  id: string;
  tenant_id: string;
  /** app_config, app_protection or compliance. */
  kind: string;
  name: string;
  /** JSON of the kind's fields (settings, levels...), validated before it is stored. */
  body: string;
  /** JSON Assignment. */
  assignment: string;
  created_at: string;
  updated_at: string;
}

export interface DeviceReportTable {
  tenant_id: string;
  device_id: string;
  report_id: string;
  type: string;
  occurred_at: string;
  received_at: string;
  /** The report as received (JSON). */
  body: string;
}

export interface TimelineEventTable {
  id: string;
  tenant_id: string;
  device_id: string;
  report_id: string;
  type: string;
  /** The network or certificate reference, for per-subject rules. */
  subject: string | null;
  occurred_at: string;
  received_at: string;
  title: string;
  data: string;
  alert_id: string | null;
}

export interface AlertTable {
  id: string;
  tenant_id: string;
  device_id: string;
  dedupe_key: string;
  category: string;
  title: string;
  description: string;
  severity: string;
  status: string;
  classification: string | null;
  determination: string | null;
  assigned_to: string | null;
  created_at: string;
  first_event_time: string;
  last_event_time: string;
  last_update_time: string;
  resolved_time: string | null;
  resolved_by: string | null;
  event_count: number;
  /** JSON AlertComment[]. */
  comments: string;
  /** JSON AlertEvidence[]. */
  evidence: string;
}

export interface DeviceSecurityTable {
  tenant_id: string;
  device_id: string;
  risk_level: string;
  /** JSON RiskExplanation. */
  risk_explanation: string;
  jailbroken: number;
  compliant: number | null;
  /** JSON AppEntry[] of the last inventory. */
  apps: string | null;
  app_scope: string | null;
  inventory_at: string | null;
  updated_at: string;
}

export interface DeviceTagTable {
  tenant_id: string;
  device_id: string;
  source: string;
  tag: string;
}

export interface IndicatorTable {
  id: string;
  tenant_id: string;
  indicator_type: string;
  indicator_value: string;
  action: string;
  title: string;
  description: string;
  expiration_time: string | null;
  severity: string | null;
  recommended_actions: string | null;
  rbac_group_names: string;
  generate_alert: number;
  created_at: string;
  created_by: string | null;
  last_update_time: string;
}

export interface ReferenceDataTable {
  name: string;
  body: string;
  imported_at: string;
}

export interface WebhookTable {
  id: string;
  tenant_id: string;
  url: string;
  events: string;
  description: string | null;
  secret: string;
  created_at: string;
}

export interface WebhookDeliveryTable {
  id: string;
  tenant_id: string;
  webhook_id: string;
  event_id: string;
  event: string;
  payload: string;
  attempt: number;
  status: string;
  response_status: number | null;
  error: string | null;
  created_at: string;
  next_attempt_at: string | null;
}

export interface FeedTable {
  source: string;
  category: string;
  action: string;
  /** One entry a line. */
  entries: string;
  entry_count: number;
  imported_at: string;
}

export interface ThreatDatabaseTable {
  tenant_id: string;
  sequence: number;
  stamp: string;
  checksum: string;
  bucket_bits: number;
  entries: number;
  size: number;
  /** The database file, base64 (text is the same on both dialects). */
  bytes: string;
  created_at: string;
}

export interface Database {
  tenants: TenantTable;
  admins: AdminTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  enrollment_tokens: EnrollmentTokenTable;
  devices: DeviceTable;
  groups: GroupTable;
  policies: PolicyTable;
  device_reports: DeviceReportTable;
  timeline_events: TimelineEventTable;
  alerts: AlertTable;
  device_security: DeviceSecurityTable;
  device_tags: DeviceTagTable;
  indicators: IndicatorTable;
  reference_data: ReferenceDataTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  feeds: FeedTable;
  threat_databases: ThreatDatabaseTable;
}
