import { createHash } from 'node:crypto';
import { defaultValues } from '../../policy/index.js';
import type { ConfigValue, EffectiveConfig } from '../../protocol/index.js';
import type { StoredDevice } from '../storage/devices.js';
import type { Tenant } from '../storage/tenants.js';

/** A version that changes whenever any value changes: a digest of the sorted values. */
export function configVersion(values: Record<string, ConfigValue>): string {
  const canonical = JSON.stringify(Object.keys(values).sort().map((k) => [k, values[k]]));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

/** The configuration a device runs with: for now the catalog defaults for its context. */
export function effectiveConfig(device: StoredDevice, tenant: Tenant): EffectiveConfig {
  const values = defaultValues({ supervised: device.supervised, governmentTenant: tenant.settings.governmentCloud });
  return { version: configVersion(values), values };
}
