import { z } from 'zod';
import { Severity } from './enums.js';

export const DeviceCve = z.object({
  cveId: z.string(),
  /** The first release of the device's major line that fixes it. */
  fixedIn: z.string(),
  knownExploited: z.boolean(),
});
export type DeviceCve = z.infer<typeof DeviceCve>;

export const AppVulnerability = z.object({
  id: z.string(),
  bundleId: z.string(),
  version: z.string(),
  summary: z.string(),
  severity: Severity,
  fixedIn: z.string().nullable(),
  aliases: z.array(z.string()),
});
export type AppVulnerability = z.infer<typeof AppVulnerability>;

export const DeviceVulnerabilities = z.object({
  deviceId: z.string(),
  osVersion: z.string(),
  /** False when the OS version is not in the data set (too old, too new, or no data imported). */
  osAssessed: z.boolean(),
  /** The newest release of the device's major line; null when it runs it already. */
  recommendedUpdate: z.string().nullable(),
  cves: z.array(DeviceCve),
  knownExploitedCount: z.number().int(),
  appsAssessed: z.boolean(),
  /** Why apps were not assessed (not enrolled, inventory withheld, setting off). */
  appsNotAssessedReason: z.string().nullable(),
  apps: z.array(AppVulnerability),
});
export type DeviceVulnerabilities = z.infer<typeof DeviceVulnerabilities>;

export const FleetVulnerabilities = z.object({
  dataset: z.object({ releases: z.number().int(), knownExploited: z.number().int(), appRecords: z.number().int(), importedAt: z.string().nullable() }),
  devicesAssessed: z.number().int(),
  vulnerableDevices: z.number().int(),
  byOsVersion: z.array(z.object({ osVersion: z.string(), devices: z.number().int(), cves: z.number().int(), knownExploited: z.number().int() })),
  topCves: z.array(z.object({ cveId: z.string(), devices: z.number().int(), knownExploited: z.boolean() })),
  exposure: z.array(z.object({ deviceId: z.string(), osVersion: z.string(), cves: z.number().int(), knownExploited: z.number().int(), appVulnerabilities: z.number().int() })),
});
export type FleetVulnerabilities = z.infer<typeof FleetVulnerabilities>;
