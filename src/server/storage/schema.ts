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

export interface Database {
  tenants: TenantTable;
  admins: AdminTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  enrollment_tokens: EnrollmentTokenTable;
  devices: DeviceTable;
  groups: GroupTable;
  policies: PolicyTable;
}
