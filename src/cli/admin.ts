import { AdminRole } from '../protocol/index.js';
import { createApiToken } from '../server/services/auth.js';
import { createTenant, issueEnrollmentToken, resetAdminPassword } from '../server/services/provisioning.js';
import { openStorage, type Storage } from '../server/storage/storage.js';
import { databaseUrl } from './serve.js';

// Operator commands: they work on the database directly, as whoever runs them owns it.

export async function withStorage<T>(db: string | undefined, work: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openStorage(databaseUrl(db));
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

/** The tenant named by --tenant, or the only one there is. */
async function tenantId(storage: Storage, flag: string | undefined): Promise<string> {
  const tenants = await storage.listTenants();
  if (flag) {
    const tenant = tenants.find((t) => t.id === flag || t.name === flag);
    if (!tenant) throw new Error(`no tenant ${flag}; see 'bulwark tenant list'`);
    return tenant.id;
  }
  if (tenants.length === 1) return tenants[0]!.id;
  throw new Error(tenants.length === 0 ? 'no tenant yet: start the server once, or run bulwark tenant create' : 'several tenants: name one with --tenant');
}

const out = (line: string) => process.stdout.write(`${line}\n`);

export async function resetPasswordCommand(flags: { email: string; db?: string }): Promise<void> {
  const password = await withStorage(flags.db, (s) => resetAdminPassword(s, flags.email));
  out(`New password for ${flags.email} (shown once; every session of this account has ended):`);
  out(`  ${password}`);
}

export async function tenantCreateCommand(flags: { name: string; adminEmail: string; db?: string }): Promise<void> {
  const created = await withStorage(flags.db, (s) => createTenant(s, { name: flags.name, adminEmail: flags.adminEmail }, new Date()));
  out(`Created tenant "${created.tenant.name}" (${created.tenant.id}). Shown once:`);
  out(`  Admin email:      ${created.adminEmail}`);
  out(`  Admin password:   ${created.adminPassword}`);
  out(`  Enrollment token: ${created.enrollmentToken}`);
}

export async function tenantListCommand(flags: { db?: string }): Promise<void> {
  const tenants = await withStorage(flags.db, (s) => s.listTenants());
  for (const t of tenants) out(`${t.id}  ${t.name}  (created ${t.createdAt})`);
}

export async function apiTokenCreateCommand(flags: { name: string; role: string; tenant?: string; db?: string }): Promise<void> {
  const role = AdminRole.safeParse(flags.role);
  if (!role.success) throw new Error(`--role must be one of ${AdminRole.options.join(', ')}, not ${flags.role}`);
  const created = await withStorage(flags.db, async (s) => createApiToken(s, await tenantId(s, flags.tenant), { name: flags.name, role: role.data }, new Date()));
  out(`API token "${created.name}" (${created.role}), shown once:`);
  out(`  ${created.token}`);
}

export async function enrollmentTokenCreateCommand(flags: { name: string; tenant?: string; db?: string }): Promise<void> {
  const created = await withStorage(flags.db, async (s) => issueEnrollmentToken(s, await tenantId(s, flags.tenant), flags.name, new Date()));
  out(`Enrollment token "${created.name}", shown once:`);
  out(`  ${created.token}`);
}
