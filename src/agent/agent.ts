import { z } from 'zod';
import { EffectiveConfig, type DeviceReport, type HeartbeatReason, type HeartbeatResponse } from '../protocol/index.js';
import type { NoticeKind, PlatformAdapter } from './adapter.js';
import { AgentState, clearUserData, INITIAL_STATE } from './agent-state.js';
import { appView, backgroundStatusDue, compareVersions, type AppView } from './app-view.js';
import { DeviceApi, DeviceApiError } from './device-api.js';
import { stamp, type ReportDraft } from './drafts.js';
import { randomId } from './ids.js';
import { inventoryGate } from './inventory-gate.js';
import { assessJailbreak, jailbreakCheckDue } from './jailbreak.js';
import { networkProtection, type NetworkObservation } from './network-protection.js';
import { Outbox, type DeliveryResult, type OutboxOptions } from './outbox.js';
import { applyPrivacy, type PrivacyContext } from './privacy.js';
import { agentSettings, type AgentSettings } from './settings.js';
import { tunnelTransition, type TunnelEvent, type TunnelResult } from './tunnel.js';
import { checkWeb, type WebCheck, type WebContext, type WebQuestion } from './web-protection.js';
import { applyDelta, loadThreatDb, threatDbChecksum, type ThreatDb } from '../verdict/index.js';
import base64 from 'base64-js';

export const AGENT_VERSION = '0.1.0';

/** Keys in the adapter's secure storage. */
export const STORAGE_KEYS = { credentials: 'bulwark.credentials', config: 'bulwark.config', state: 'bulwark.state' } as const;
/** The threat database file in the adapter's blob storage. */
export const THREAT_DB_BLOB = 'bulwark-threatdb';

const Credentials = z.object({ serverUrl: z.string(), deviceId: z.string(), deviceSecret: z.string(), tenantId: z.string() });
type Credentials = z.infer<typeof Credentials>;

export interface AgentOptions {
  adapter: PlatformAdapter;
  serverUrl: string;
  /** Needed only until the device is enrolled. */
  enrollmentToken?: string;
  /** How often the periodic jailbreak check runs (it also runs on every app open). */
  jailbreakIntervalMs?: number;
  outbox?: Pick<OutboxOptions, 'capacity' | 'batchSize' | 'baseDelayMs' | 'maxDelayMs'>;
}

/** What the user can do in the app; each is refused when the app would not offer it. */
export type UserAction =
  | { type: 'grant_vpn' }
  | { type: 'skip_vpn' }
  | { type: 'start_web_protection' }
  | { type: 'trust_network'; ref?: string }
  | { type: 'untrust_network'; ref: string }
  | { type: 'unsafe_site_info'; on: boolean }
  | { type: 'network_consent'; granted: boolean }
  | { type: 'inventory_approval'; approved: boolean }
  | { type: 'sign_out' }
  | { type: 'sign_in' };

/** The app does not offer this action now (a setting hides it, or it does not apply). */
export class ActionRefused extends Error {}

const NOTICES: Record<NoticeKind, string> = {
  open_network: 'You joined an open Wi-Fi network: others on it can see your traffic.',
  rogue_network: 'This Wi-Fi network looks like an impostor of one you know. Switch to a network you trust.',
  tls_interception: 'Someone on this network can read your encrypted traffic. Leave this network.',
  suspicious_certificate: 'A certificate installed on this device lets others read your encrypted traffic. Remove it.',
  jailbroken: 'This device is jailbroken: protection is limited and your organisation was told.',
  os_update: 'An update for your operating system is available.',
};

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

/** A transport failure (no answer) rather than a refusal from the server. */
const unreachable = (err: unknown) => !(err instanceof DeviceApiError);

/**
 * The on-device engine: enrolls once, sends a heartbeat on every app open, runs network
 * protection, jailbreak checks and inventory, and delivers every report through a persistent
 * outbox. Decisions live in the pure modules it calls; this class only sequences them.
 */
export class Agent {
  private readonly api: DeviceApi;
  readonly outbox: Outbox;
  private credentials: Credentials | undefined;
  private config: EffectiveConfig | undefined;
  private state: AgentState = INITIAL_STATE;
  private loaded = false;
  private threat: { db: ThreatDb; bytes: Uint8Array } | undefined;
  /** What `checkWeb` needs, refreshed whenever any of it changes: the front ends ask synchronously. */
  private web: WebContext = { db: undefined, active: false, platform: 'ios', groups: [] };

  constructor(private readonly options: AgentOptions) {
    const { adapter } = options;
    this.api = new DeviceApi(adapter.http, options.serverUrl);
    this.outbox = new Outbox({ storage: adapter.storage, clock: adapter.clock, random: adapter.random, ...options.outbox });
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
    this.state = (await readJson(adapter, STORAGE_KEYS.state, AgentState)) ?? INITIAL_STATE;
    const bytes = await adapter.blobs.read(THREAT_DB_BLOB);
    try {
      if (bytes) this.threat = { db: loadThreatDb(bytes), bytes };
    } catch {
      // A damaged file is fetched again whole at the next heartbeat.
      this.threat = undefined;
    }
    this.loaded = true;
    await this.refreshWeb();
  }

  /** The threat database the agent runs, if any. */
  get threatDb(): ThreatDb | undefined {
    return this.threat?.db;
  }

  /**
   * The front ends' question for one connection (synchronous: the DNS filter asks it for every
   * query). Reports are the caller's to queue with `recordWebThreat`.
   */
  checkWeb(question: WebQuestion): WebCheck {
    return checkWeb(this.web, question, this.options.adapter.clock.now());
  }

  private async refreshWeb(): Promise<void> {
    const { adapter } = this.options;
    const settings = await this.settings();
    this.web = {
      db: this.threat?.db,
      active: settings.webProtection && !this.state.signedOut && adapter.tunnel.state().state === 'connected',
      platform: (await adapter.device.facts()).platform,
      groups: this.state.groups,
    };
  }

  /** Brings the threat database to the announced version: a delta when possible, else the whole file. */
  private async syncThreatDb(deviceSecret: string, announced: HeartbeatResponse['threatDb']): Promise<void> {
    if (!announced || this.threat?.db.sequence === announced.sequence) return;
    const fetchVersion = async (have: number | undefined) => {
      const download = await this.api.threatDb(deviceSecret, have);
      const data = base64.toByteArray(download.data);
      return download.kind === 'delta' && this.threat ? applyDelta(this.threat.bytes, data) : data;
    };
    let bytes: Uint8Array;
    try {
      bytes = await fetchVersion(this.threat?.db.sequence);
    } catch (err) {
      if (err instanceof DeviceApiError || !this.threat) throw err;
      // A delta that does not apply (a damaged local file): take the whole file instead.
      bytes = await fetchVersion(undefined);
    }
    if (threatDbChecksum(bytes) !== announced.checksum) bytes = await fetchVersion(undefined);
    const db = loadThreatDb(bytes);
    await this.options.adapter.blobs.write(THREAT_DB_BLOB, bytes);
    this.threat = { db, bytes };
    await this.refreshWeb();
  }

  private async save(state: AgentState): Promise<void> {
    this.state = state;
    await this.options.adapter.storage.set(STORAGE_KEYS.state, JSON.stringify(state));
  }

  private async supervised(): Promise<boolean> {
    const token = this.config?.values.issupervised;
    return (await this.options.adapter.device.facts()).supervised || token === true || (typeof token === 'string' && token.toLowerCase() === 'true');
  }

  async settings(): Promise<AgentSettings> {
    await this.load();
    return agentSettings(this.config, { supervised: await this.supervised() });
  }

  private async privacy(): Promise<PrivacyContext> {
    const s = await this.settings();
    const { choices } = this.state;
    return {
      excludeUrlInReport: s.excludeUrlInReport,
      unsafeSiteInfo: choices.unsafeSiteInfo,
      supervised: await this.supervised(),
      networkPrivacy: s.networkPrivacy,
      networkConsent: choices.networkConsent,
    };
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

  /**
   * What runs whenever the user opens the app: enrollment if needed, a heartbeat, then every
   * protection check and a delivery attempt. Returns null when the server could not be reached
   * (the checks still run; their reports wait in the outbox).
   */
  async appOpened(): Promise<HeartbeatResponse | null> {
    await this.ensureEnrolled();
    if (this.state.signedOut) return null;
    let response: HeartbeatResponse | null = null;
    try {
      response = await this.heartbeat('app_open');
    } catch (err) {
      if (!unreachable(err)) throw err;
    }
    const { clock } = this.options.adapter;
    if (this.state.firstOpenedAt === undefined) await this.save({ ...this.state, firstOpenedAt: clock.now() });
    await this.applyWebProtectionPolicy();
    await this.checkJailbreak(true);
    await this.observeNetwork();
    await this.sendInventory();
    await this.notifyOsUpdate();
    await this.deliver(true);
    return response;
  }

  async heartbeat(reason: HeartbeatReason): Promise<HeartbeatResponse> {
    const credentials = await this.ensureEnrolled();
    const { adapter } = this.options;
    const facts = await adapter.device.facts();
    const tunnel = adapter.tunnel.state();
    const settings = await this.settings();
    const response = await this.api.heartbeat(credentials.deviceSecret, {
      reason,
      osVersion: facts.osVersion,
      osBuild: facts.osBuild,
      agentVersion: facts.agentVersion,
      protection: {
        webProtection: tunnel.state,
        webProtectionSince: new Date(tunnel.since).toISOString(),
        networkProtection: settings.networkProtection && this.state.firstOpenedAt !== undefined && !this.state.signedOut,
      },
      configVersion: this.config?.version ?? null,
    });
    if (response.config.version !== this.config?.version) {
      this.config = response.config;
      await adapter.storage.set(STORAGE_KEYS.config, JSON.stringify(response.config));
    }
    await this.save({
      ...this.state,
      lastStatusAt: adapter.clock.now(),
      statusIntervalSeconds: response.statusIntervalSeconds,
      inventory: response.inventory,
      latestOsVersion: response.latestOsVersion,
      groups: response.groups ?? this.state.groups,
    });
    try {
      await this.syncThreatDb(credentials.deviceSecret, response.threatDb);
    } catch {
      // The database in use stays; the next heartbeat announces the version again.
    }
    await this.refreshWeb();
    return response;
  }

  /**
   * What the platform runs in the background: the periodic jailbreak check, certificate check,
   * status signal while the tunnel is connected, and delivery of waiting reports.
   */
  async backgroundTick(): Promise<void> {
    await this.load();
    if (this.credentials === undefined) return;
    if (!this.state.signedOut && this.state.firstOpenedAt !== undefined) {
      await this.checkJailbreak(false);
      await this.observeNetwork();
      const tunnel = this.options.adapter.tunnel.state().state;
      if (backgroundStatusDue(tunnel, this.state.lastStatusAt, this.state.statusIntervalSeconds, this.options.adapter.clock.now())) {
        await this.heartbeat('background').catch((err: unknown) => {
          if (!unreachable(err)) throw err;
        });
      }
    }
    await this.deliver(false);
  }

  /** The platform saw the Wi-Fi change: judge the new network and re-probe TLS. */
  async networkChanged(): Promise<void> {
    await this.observeNetwork();
    await this.deliver(false);
  }

  /** A web threat the local front ends blocked or warned about; private fields are filtered here. */
  async recordWebThreat(draft: Omit<Extract<DeviceReport, { type: 'web_threat' }>, 'id' | 'occurredAt'>): Promise<void> {
    await this.load();
    await this.queue([draft]);
  }

  /** Delivers waiting reports; `now` ignores the backoff (the user is in the app). */
  async deliver(now = false): Promise<DeliveryResult> {
    const credentials = await this.ensureEnrolled();
    const privacy = await this.privacy();
    return this.outbox.deliver((reports) => this.api.sendReports(credentials.deviceSecret, { reports: reports.map((r) => applyPrivacy(r, privacy)) }), { now });
  }

  private async queue(drafts: ReportDraft[]): Promise<void> {
    const { random, clock } = this.options.adapter;
    const privacy = await this.privacy();
    for (const draft of drafts) await this.outbox.enqueue(applyPrivacy(stamp(draft, random, clock.now()), privacy));
  }

  private notify(kind: NoticeKind, subject: string): void {
    this.options.adapter.notifier.notify({ kind, subject, message: NOTICES[kind] });
  }

  private async applyWebProtectionPolicy(): Promise<void> {
    await this.tunnelEvent({ type: 'policy_changed', webProtection: (await this.settings()).webProtection });
  }

  /**
   * Moves the tunnel through its life cycle: `tunnelTransition` decides, the platform acts, and
   * every change is reported (the server shows the state and since when).
   */
  async tunnelEvent(event: TunnelEvent): Promise<TunnelResult> {
    await this.load();
    const { tunnel, clock } = this.options.adapter;
    const before = tunnel.state();
    const result = tunnelTransition(before, event, { optionalVpn: (await this.settings()).optionalVpn }, clock.now());
    if (result.refused) return result;
    if (result.effect === 'remove_profile') await tunnel.removeOwnProfile();
    if (result.status.state !== before.state) {
      await tunnel.setState(result.status.state);
      await this.queue([{ type: 'tunnel_state', state: result.status.state, previous: before.state }]);
    }
    // Also when nothing changed here: a platform may move its tunnel itself (a granted permission).
    await this.refreshWeb();
    return result;
  }

  /** The user starts web protection: asks for the VPN permission where the tunnel needs it. */
  private async startWebProtection(): Promise<void> {
    const { tunnel } = this.options.adapter;
    if (tunnel.state().state !== 'permission_pending') {
      const result = await this.tunnelEvent({ type: 'user_turned_on' });
      if (result.effect !== 'request_permission') return;
    }
    const granted = await tunnel.requestPermission();
    // Declining counts as skipping, which only DefenderOptionalVPN allows; otherwise it stays pending.
    await this.tunnelEvent({ type: granted ? 'permission_granted' : 'permission_skipped' });
  }

  private async observeNetwork(): Promise<void> {
    await this.load();
    const { adapter } = this.options;
    if (this.state.firstOpenedAt === undefined || this.state.signedOut) return;
    const settings = await this.settings();
    if (!settings.networkProtection) return;
    const seen: NetworkObservation = {};
    if (adapter.wifi) seen.wifi = await adapter.wifi.current();
    if (adapter.certificates) seen.roots = await adapter.certificates.trustedRoots();
    if (adapter.tlsProbe) seen.chain = await adapter.tlsProbe.probe();
    const outcome = networkProtection(settings, this.state.network, seen, adapter.clock.now(), () => randomId(adapter.random, 12));
    await this.save({ ...this.state, network: outcome.state });
    await this.queue(outcome.reports);
    for (const notice of outcome.notices) this.notify(notice.kind, notice.subject);
  }

  private async checkJailbreak(appOpen: boolean): Promise<void> {
    const { adapter } = this.options;
    const now = adapter.clock.now();
    if (!adapter.jailbreak || !jailbreakCheckDue(this.state.jailbreak.lastCheckAt, now, this.options.jailbreakIntervalMs ?? 3_600_000, appOpen)) return;
    const verdict = assessJailbreak(await adapter.jailbreak.observe());
    const detected = this.state.jailbreak.detected;
    const jailbreak = { detected: verdict.jailbroken, lastCheckAt: now, failedChecks: verdict.failedChecks };
    if (verdict.jailbroken && !detected) {
      await this.queue([{ type: 'jailbreak', failedChecks: verdict.failedChecks, score: verdict.score }]);
      await this.save({ ...clearUserData(this.state), jailbreak });
      await this.tunnelEvent({ type: 'jailbreak_detected' });
      this.notify('jailbroken', 'device');
      return;
    }
    await this.save({ ...this.state, jailbreak });
    // A restored device gets its onboarding back; a later jailbreak is reported again.
    if (!verdict.jailbroken && detected) await this.tunnelEvent({ type: 'jailbreak_cleared' });
  }

  private async sendInventory(): Promise<void> {
    const { adapter } = this.options;
    const facts = await adapter.device.facts();
    const gate = await this.inventoryGate();
    const apps = gate.appScope === 'none' || !adapter.apps ? [] : await adapter.apps.apps();
    const listed = gate.appScope === 'managed' ? apps.filter((a) => a.managed === true) : apps;
    await this.queue([
      {
        type: 'inventory',
        osVersion: facts.osVersion,
        ...(facts.osBuild ? { osBuild: facts.osBuild } : {}),
        appScope: gate.appScope,
        ...(gate.appScope === 'none' ? {} : { apps: listed }),
      },
    ]);
  }

  private async inventoryGate() {
    const facts = await this.options.adapter.device.facts();
    const settings = await this.settings();
    const inventory = this.state.inventory;
    return inventoryGate({
      management: facts.management,
      supervised: await this.supervised(),
      ownership: inventory?.ownership ?? 'personal',
      appSync: inventory?.appSync ?? false,
      fullInventoryOnPersonal: inventory?.fullInventoryOnPersonal ?? false,
      tvmPrivacyMode: settings.tvmPrivacyMode,
      userApproval: this.state.choices.inventoryApproval,
    });
  }

  private async notifyOsUpdate(): Promise<void> {
    const facts = await this.options.adapter.device.facts();
    const { latestOsVersion, osUpdateNotified } = this.state;
    const settings = await this.settings();
    if (settings.suppressOsUpdateNotification || latestOsVersion === undefined || osUpdateNotified === facts.osVersion) return;
    if (compareVersions(facts.osVersion, latestOsVersion) >= 0) return;
    this.notify('os_update', latestOsVersion);
    await this.save({ ...this.state, osUpdateNotified: facts.osVersion });
  }

  /** What the app shows right now. */
  async view(): Promise<AppView> {
    await this.load();
    const { adapter } = this.options;
    const facts = await adapter.device.facts();
    const { network } = this.state;
    const ssidOf = (ref: string) => Object.entries(network.networkRefs).find(([, r]) => r === ref)?.[0] ?? ref;
    return appView({
      settings: await this.settings(),
      device: { osVersion: facts.osVersion, supervised: await this.supervised(), management: facts.management },
      tunnel: adapter.tunnel.state().state,
      choices: this.state.choices,
      signedOut: this.state.signedOut,
      askInventoryApproval: (await this.inventoryGate()).askApproval,
      ...(this.state.latestOsVersion ? { latestOsVersion: this.state.latestOsVersion } : {}),
      currentNetwork: network.current ? { ref: network.current.ref, ssid: network.current.network.ssid } : null,
      trustedNetworks: network.trusted.map((ref) => ({ ref, ssid: ssidOf(ref) })),
      alerts: [...network.active, ...(this.state.jailbreak.detected ? [{ kind: 'jailbreak' as const, subject: 'device' }] : [])],
    });
  }

  /** Applies what the user did in the app; throws ActionRefused when the app would not offer it. */
  async userAction(action: UserAction): Promise<void> {
    const view = await this.view();
    const refuse = (why: string) => {
      throw new ActionRefused(`${action.type}: ${why}`);
    };
    const choices = this.state.choices;
    switch (action.type) {
      case 'grant_vpn':
      case 'start_web_protection':
        if (!view.protection.canStartWebProtection) refuse('web protection cannot be started on this device');
        return this.startWebProtection();
      case 'skip_vpn':
        if (!view.onboarding?.skippable) refuse('the VPN permission is required (DefenderOptionalVPN is off)');
        await this.tunnelEvent({ type: 'permission_skipped' });
        return;
      case 'trust_network':
      case 'untrust_network': {
        if (!view.trustedNetworks.available) refuse('the end-user trust flow is not enabled');
        const ref = action.ref ?? view.trustedNetworks.current?.ref ?? refuse('not on a Wi-Fi network');
        const others = this.state.network.trusted.filter((r) => r !== ref);
        const trusted = action.type === 'trust_network' ? [...others, ref] : others;
        return this.save({ ...this.state, network: { ...this.state.network, trusted } });
      }
      case 'unsafe_site_info':
        if (!view.privacy.unsafeSiteInfo.visible) refuse('the Unsafe Site Info toggle is not offered on this device');
        return this.save({ ...this.state, choices: { ...choices, unsafeSiteInfo: action.on } });
      case 'network_consent':
        if (!view.privacy.networkConsent.visible) refuse('network privacy is on: no details are collected');
        return this.save({ ...this.state, choices: { ...choices, networkConsent: action.granted ? 'granted' : 'denied' } });
      case 'inventory_approval':
        if (!view.privacy.inventoryApproval.prompt && choices.inventoryApproval === 'unasked') refuse('no app-inventory approval is asked on this device');
        await this.save({ ...this.state, choices: { ...choices, inventoryApproval: action.approved ? 'approved' : 'declined' } });
        return this.sendInventory();
      case 'sign_out':
        if (!view.signOut.visible) refuse('sign-out is disabled by the organisation');
        return this.signOut();
      case 'sign_in':
        await this.save({ ...this.state, signedOut: false });
        await this.tunnelEvent({ type: 'signed_in' });
        return;
    }
  }

  /** Signing out stops protection and tells the server (the report is delivered even afterwards). */
  private async signOut(): Promise<void> {
    await this.queue([{ type: 'signed_out' }]);
    await this.save({ ...this.state, signedOut: true });
    await this.tunnelEvent({ type: 'signed_out' });
    await this.deliver(true).catch(() => undefined);
  }
}
