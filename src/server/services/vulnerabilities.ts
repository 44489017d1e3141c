import { z } from 'zod';
import type { DeviceVulnerabilities, FleetVulnerabilities, Platform } from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import { AppAdvisory, AppleRelease, appsNotAssessedReason, assessApps, assessOs, buildVulnIndex, KevEntry, type VulnIndex } from '../secops/vulnerability.js';
import type { Storage } from '../storage/storage.js';
import type { ReferenceDataName } from '../storage/vulnerabilities.js';
import type { Clock } from './auth.js';

const DATASETS = {
  'apple-releases': z.array(AppleRelease).min(1),
  kev: z.array(KevEntry).min(1),
  'app-advisories': z.array(AppAdvisory).min(1),
} satisfies Record<ReferenceDataName, z.ZodType>;

/** Which data set a file is, from its first record. */
function kindOf(records: unknown[]): ReferenceDataName {
  const first = records[0] as Record<string, unknown> | undefined;
  if (first && 'cves' in first && 'version' in first) return 'apple-releases';
  if (first && 'cveID' in first) return 'kev';
  if (first && 'affected' in first) return 'app-advisories';
  throw new ApiError('validation_failed', 'not a known data set: expected Apple security releases (version, cves), the KEV catalogue (cveID) or OSV-like app advisories (id, affected)');
}

/** Validates a data file and replaces the stored data set of its kind; returns its kind and size. */
export async function importVulnData(store: Storage, text: string, now: Date): Promise<{ kind: ReferenceDataName; records: number }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ApiError('validation_failed', `not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  // The KEV catalogue as CISA publishes it wraps the list in `vulnerabilities`.
  const records = Array.isArray(json) ? json : (json as { vulnerabilities?: unknown[] } | null)?.vulnerabilities;
  if (!Array.isArray(records) || records.length === 0) throw new ApiError('validation_failed', 'expected a non-empty JSON array of records');
  const kind = kindOf(records);
  const parsed = DATASETS[kind].safeParse(records);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError('validation_failed', `${kind}: record ${String(issue.path[0])}: ${issue.path.slice(1).join('.') || 'record'}: ${issue.message}`);
  }
  await store.putReferenceData(kind, parsed.data, now.toISOString());
  return { kind, records: parsed.data.length };
}

const RELOAD_MS = 60_000;

/** Vulnerabilities per device and across the fleet, from the imported data sets. */
export class VulnerabilityService {
  private cache: { index: VulnIndex; sizes: FleetVulnerabilities['dataset']; loadedAt: number } | null = null;

  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
  ) {}

  /** The update a device on this OS should install (newest release of its line), if any: for the app's health card. */
  async recommendedUpdate(platform: Platform, osVersion: string): Promise<string | undefined> {
    const { index } = await this.data();
    return assessOs(index, osVersion, platform).recommendedUpdate ?? undefined;
  }

  async device(principal: Principal, deviceId: string): Promise<DeviceVulnerabilities> {
    const admin = authorize(principal, 'vulnerabilities:read');
    const [device, security, tenant, { index }] = await Promise.all([
      this.store.getDevice(admin.tenantId, deviceId),
      this.store.getSecurity(admin.tenantId, deviceId),
      this.store.getTenant(admin.tenantId),
      this.data(),
    ]);
    if (!device || !tenant) throw new ApiError('not_found', `no device ${deviceId}`);
    const os = assessOs(index, device.osVersion, device.platform);
    const reason = appsNotAssessedReason({ management: device.management, appSyncForIos: tenant.settings.appSyncForIos, appScope: security?.appScope ?? null });
    const apps = reason === null ? assessApps(index, security?.apps ?? []) : [];
    return {
      deviceId,
      osVersion: device.osVersion,
      osAssessed: os.assessed,
      recommendedUpdate: os.recommendedUpdate,
      cves: os.cves,
      knownExploitedCount: os.cves.filter((c) => c.knownExploited).length,
      appsAssessed: reason === null,
      appsNotAssessedReason: reason,
      apps,
    };
  }

  async fleet(principal: Principal, top = 20): Promise<FleetVulnerabilities> {
    const admin = authorize(principal, 'vulnerabilities:read');
    const [devices, inventories, tenant, { index, sizes }] = await Promise.all([
      this.store.securitySummaries(admin.tenantId),
      this.store.inventories(admin.tenantId),
      this.store.getTenant(admin.tenantId),
      this.data(),
    ]);
    const appsOf = new Map(inventories.map((i) => [i.deviceId, i]));
    const byVersion = new Map<string, { devices: number; cves: number; knownExploited: number }>();
    const cveDevices = new Map<string, { devices: number; knownExploited: boolean }>();
    const exposure: FleetVulnerabilities['exposure'] = [];
    let assessed = 0;
    // One OS assessment per (platform, version), not per device.
    const osCache = new Map<string, ReturnType<typeof assessOs>>();
    for (const d of devices) {
      const key = `${d.platform}:${d.osVersion}`;
      const os = osCache.get(key) ?? assessOs(index, d.osVersion, d.platform as Platform);
      osCache.set(key, os);
      if (!os.assessed) continue;
      assessed++;
      const inv = appsOf.get(d.deviceId);
      const appsGate = appsNotAssessedReason({ management: d.management as 'mdm', appSyncForIos: tenant?.settings.appSyncForIos ?? false, appScope: (inv?.appScope ?? null) as 'full' | null });
      const appVulns = appsGate === null ? assessApps(index, inv?.apps ?? []).length : 0;
      const exploited = os.cves.filter((c) => c.knownExploited).length;
      const v = byVersion.get(d.osVersion) ?? { devices: 0, cves: os.cves.length, knownExploited: exploited };
      v.devices++;
      byVersion.set(d.osVersion, v);
      for (const c of os.cves) {
        const entry = cveDevices.get(c.cveId) ?? { devices: 0, knownExploited: c.knownExploited };
        entry.devices++;
        cveDevices.set(c.cveId, entry);
      }
      if (os.cves.length + appVulns > 0) exposure.push({ deviceId: d.deviceId, osVersion: d.osVersion, cves: os.cves.length, knownExploited: exploited, appVulnerabilities: appVulns });
    }
    return {
      dataset: sizes,
      devicesAssessed: assessed,
      vulnerableDevices: exposure.length,
      byOsVersion: [...byVersion].map(([osVersion, v]) => ({ osVersion, ...v })).sort((a, b) => b.knownExploited - a.knownExploited || b.devices - a.devices),
      topCves: [...cveDevices]
        .map(([cveId, c]) => ({ cveId, ...c }))
        .sort((a, b) => Number(b.knownExploited) - Number(a.knownExploited) || b.devices - a.devices || a.cveId.localeCompare(b.cveId))
        .slice(0, top),
      exposure: exposure.sort((a, b) => b.knownExploited - a.knownExploited || b.cves - a.cves).slice(0, 500),
    };
  }

  /** The indexed data sets, re-read at most once a minute so an import shows up without a restart. */
  private async data() {
    const now = this.clock.now().getTime();
    if (this.cache && now - this.cache.loadedAt < RELOAD_MS) return this.cache;
    const [releases, kev, advisories] = await Promise.all((['apple-releases', 'kev', 'app-advisories'] as const).map((n) => this.store.getReferenceData(n)));
    const data = {
      releases: (releases?.body ?? []) as AppleRelease[],
      kev: (kev?.body ?? []) as KevEntry[],
      advisories: (advisories?.body ?? []) as AppAdvisory[],
    };
    const importedAt = [releases, kev, advisories].map((d) => d?.importedAt).filter((t): t is string => !!t).sort().pop() ?? null;
    this.cache = {
      index: buildVulnIndex(data),
      sizes: { releases: data.releases.length, knownExploited: data.kev.length, appRecords: data.advisories.length, importedAt },
      loadedAt: now,
    };
    return this.cache;
  }
}
