import { z } from 'zod';
import { EffectiveConfig, type HeartbeatReason, type HeartbeatResponse } from '../protocol/index.js';
import type { PlatformAdapter } from './adapter.js';
import { DeviceApi } from './device-api.js';

export const AGENT_VERSION = '0.1.0';

/** Keys in the adapter's secure storage. */
export const STORAGE_KEYS = { credentials: 'bulwark.credentials', config: 'bulwark.config' } as const;

const Credentials = z.object({ serverUrl: z.string(), deviceId: z.string(), deviceSecret: z.string(), tenantId: z.string() });
type Credentials = z.infer<typeof Credentials>;

export interface AgentOptions {
  adapter: PlatformAdapter;
  serverUrl: string;
  /** Needed only until the device is enrolled. */
  enrollmentToken?: string;
}

async function readJson<T extends z.ZodType>(adapter: PlatformAdapter, key: string, schema: T): Promise<z.infer<T> | undefined> {
  const raw = await adapter.storage.get(key);
  if (raw === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // A corrupt entry is treated as missing: re-enrolling beats a device stuck forever.
    return undefined;
  }
}

/**
 * The on-device engine: enrolls once, keeps its credentials in secure storage, sends a
 * heartbeat on every app open, and applies the configuration the server returns.
 */
export class Agent {
  private readonly api: DeviceApi;
  private credentials: Credentials | undefined;
  private config: EffectiveConfig | undefined;
  private loaded = false;

  constructor(private readonly options: AgentOptions) {
    this.api = new DeviceApi(options.adapter.http, options.serverUrl);
  }

  get deviceId(): string | undefined {
    return this.credentials?.deviceId;
  }

  /** The configuration the agent applies; undefined before the first heartbeat. */
  get effectiveConfig(): EffectiveConfig | undefined {
    return this.config;
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    const { adapter } = this.options;
    this.credentials = await readJson(adapter, STORAGE_KEYS.credentials, Credentials);
    this.config = await readJson(adapter, STORAGE_KEYS.config, EffectiveConfig);
    this.loaded = true;
  }

  /** Enrolls unless already enrolled with this server. Throws DeviceApiError when refused. */
  async ensureEnrolled(): Promise<Credentials> {
    await this.load();
    if (this.credentials && this.credentials.serverUrl === this.options.serverUrl) return this.credentials;
    const { adapter, enrollmentToken } = this.options;
    if (!enrollmentToken) throw new Error('this device is not enrolled and no enrollment token was given');
    const facts = await adapter.device.facts();
    const enrolled = await this.api.enroll({ enrollmentToken, device: facts });
    const credentials: Credentials = {
      serverUrl: this.options.serverUrl,
      deviceId: enrolled.deviceId,
      deviceSecret: enrolled.deviceSecret,
      tenantId: enrolled.tenantId,
    };
    await adapter.storage.set(STORAGE_KEYS.credentials, JSON.stringify(credentials));
    this.credentials = credentials;
    return credentials;
  }

  /** What runs whenever the user opens the app: enrollment if needed, then a heartbeat. */
  async appOpened(): Promise<HeartbeatResponse> {
    return this.heartbeat('app_open');
  }

  async heartbeat(reason: HeartbeatReason): Promise<HeartbeatResponse> {
    const credentials = await this.ensureEnrolled();
    const { adapter } = this.options;
    const facts = await adapter.device.facts();
    const tunnel = adapter.tunnel.state();
    const response = await this.api.heartbeat(credentials.deviceSecret, {
      reason,
      osVersion: facts.osVersion,
      osBuild: facts.osBuild,
      agentVersion: facts.agentVersion,
      protection: {
        webProtection: tunnel.state,
        webProtectionSince: new Date(tunnel.since).toISOString(),
        networkProtection: networkProtectionOn(this.config),
      },
      configVersion: this.config?.version ?? null,
    });
    if (response.config.version !== this.config?.version) {
      this.config = response.config;
      await adapter.storage.set(STORAGE_KEYS.config, JSON.stringify(response.config));
    }
    return response;
  }
}

function networkProtectionOn(config: EffectiveConfig | undefined): boolean {
  return config?.values.DefenderNetworkProtectionEnable !== false;
}
