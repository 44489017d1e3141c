import type { DeviceFacts, ReportBatch } from '../protocol/index.js';
import { ReportBatchResult } from '../protocol/index.js';
import type { HttpTransport, RootCertificate } from './adapter.js';
import { ActionRefused, Agent, AGENT_VERSION, type UserAction } from './agent.js';
import { DeviceApiError } from './device-api.js';
import { offsetMs, type Scenario, type ScenarioDevice, type ScenarioStep, type UserChoice } from './scenario.js';
import { CLEAN_DEVICE, ManualClock, ROOTLESS_JAILBREAK, SimulatedIosDevice } from './simulated-ios.js';

export interface ScenarioRunOptions {
  serverUrl: string;
  enrollmentToken: string;
  transport: HttpTransport;
  /** One line per step, for progress output. */
  log?: (line: string) => void;
}

export interface DeviceOutcome {
  id: string;
  deviceId: string | undefined;
  /** Reports the server acknowledged (accepted or duplicate), by type. */
  delivered: Record<string, number>;
  notices: Record<string, number>;
  pending: number;
  /** Steps the app refused (a setting hides the action) or that failed, with the reason. */
  refused: string[];
}

export interface ScenarioOutcome {
  name: string;
  devices: DeviceOutcome[];
  /** Expectations of the scenario that did not hold; empty when it passed. */
  mismatches: string[];
  virtualDurationMs: number;
}

const USER_ACTIONS: Record<Exclude<UserChoice, 'trust_network' | 'untrust_network'>, UserAction> = {
  grant_vpn: { type: 'grant_vpn' },
  skip_vpn: { type: 'skip_vpn' },
  start_web_protection: { type: 'start_web_protection' },
  unsafe_site_info_on: { type: 'unsafe_site_info', on: true },
  unsafe_site_info_off: { type: 'unsafe_site_info', on: false },
  network_consent_grant: { type: 'network_consent', granted: true },
  network_consent_deny: { type: 'network_consent', granted: false },
  inventory_approve: { type: 'inventory_approval', approved: true },
  inventory_decline: { type: 'inventory_approval', approved: false },
  sign_out: { type: 'sign_out' },
  sign_in: { type: 'sign_in' },
};

/** A stable stand-in fingerprint for a simulated certificate (not a cryptographic hash). */
function fingerprint(text: string): string {
  let out = '';
  for (let round = 0; out.length < 64; round++) {
    let h = 0x811c9dc5 ^ round;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    out += (h >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
}

const SERVER_CHAIN = [
  { sha256: fingerprint('bulwark server leaf'), subject: 'CN=bulwark server' },
  { sha256: fingerprint('public root'), subject: 'CN=Simulated Public Root' },
];
const PROXY_CHAIN = [
  { sha256: fingerprint('proxy leaf'), subject: 'CN=bulwark server' },
  { sha256: fingerprint('proxy root'), subject: 'CN=Intercepting Proxy CA' },
];

function hostOf(url: string): string {
  return (/^[a-z][a-z0-9+.-]*:\/\/([^/?#:]+)/i.exec(url)?.[1] ?? url).toLowerCase();
}

class SimulatedDevice {
  online = true;
  readonly delivered: Record<string, number> = {};
  readonly refused: string[] = [];
  readonly device: SimulatedIosDevice;
  readonly agent: Agent;

  constructor(
    readonly spec: ScenarioDevice,
    index: number,
    clock: ManualClock,
    options: ScenarioRunOptions,
  ) {
    const facts: DeviceFacts = {
      platform: 'ios',
      osVersion: '18.5',
      model: 'iPhone16,2',
      supervised: false,
      management: 'mdm',
      userPrincipalName: `${spec.id}@scenario.example`,
      sharedDevice: false,
      agentVersion: AGENT_VERSION,
      ...spec.facts,
    };
    const transport: HttpTransport = { send: (request) => this.send(options.transport, request) };
    this.device = new SimulatedIosDevice(facts, transport, clock, { seed: 1000 + index });
    this.device.network = spec.wifi ?? null;
    this.device.roots = (spec.roots ?? []).map((r) => root(r.subject, r.origin, r.sha256));
    this.device.installedApps = spec.apps ?? [];
    this.device.serverChain = SERVER_CHAIN;
    this.device.tunnel.userAllowsVpn = spec.allowVpn;
    this.agent = new Agent({ adapter: this.device, serverUrl: options.serverUrl, enrollmentToken: options.enrollmentToken });
  }

  /** The device's link to the server: down while offline; acknowledgements counted by type. */
  private async send(transport: HttpTransport, request: Parameters<HttpTransport['send']>[0]) {
    if (!this.online) throw new Error('offline (scenario)');
    const response = await transport.send(request);
    if (request.url.endsWith('/api/v1/device/events') && response.status === 200) {
      const sent = (JSON.parse(request.body ?? '{}') as ReportBatch).reports as Array<{ id: string; type: string }>;
      const result = ReportBatchResult.safeParse(JSON.parse(response.body));
      if (result.success) {
        const acked = new Set([...result.data.accepted, ...result.data.duplicates]);
        for (const report of sent) if (acked.has(report.id)) this.delivered[report.type] = (this.delivered[report.type] ?? 0) + 1;
      }
    }
    return response;
  }

  async apply(step: ScenarioStep): Promise<void> {
    const { device, agent } = this;
    switch (step.action) {
      case 'app_open':
        await agent.appOpened();
        return;
      case 'background':
        return agent.backgroundTick();
      case 'join_wifi':
        device.network = { ssid: step.ssid, security: step.security, ...(step.bssid ? { bssid: step.bssid } : {}) };
        return agent.networkChanged();
      case 'leave_wifi':
        device.network = null;
        return agent.networkChanged();
      case 'visit_url':
        if (!step.threat) return;
        await agent.recordWebThreat({
          type: 'web_threat',
          source: step.threat.source,
          action: step.threat.action,
          visibility: device.facts.supervised ? 'full_url' : 'domain_only',
          domain: hostOf(step.url),
          ...(device.facts.supervised ? { url: step.url } : {}),
          ...(step.threat.ruleId ? { ruleId: step.threat.ruleId } : {}),
        });
        await agent.deliver();
        return;
      case 'install_root_cert':
        device.roots = [...device.roots, root(step.subject, step.origin, step.sha256)];
        return agent.networkChanged();
      case 'remove_root_cert':
        device.roots = device.roots.filter((r) => r.subject !== step.subject);
        return agent.networkChanged();
      case 'tls_interception':
        device.interceptor = step.on ? PROXY_CHAIN : null;
        return agent.networkChanged();
      case 'jailbreak':
        device.jailbreakState = ROOTLESS_JAILBREAK;
        return;
      case 'restore':
        device.jailbreakState = CLEAN_DEVICE;
        return;
      case 'install_app': {
        const { at: _at, device: _d, action: _a, ...app } = step;
        device.installedApps = [...device.installedApps.filter((a) => a.bundleId !== app.bundleId), app];
        return;
      }
      case 'remove_app':
        device.installedApps = device.installedApps.filter((a) => a.bundleId !== step.bundleId);
        return;
      case 'os_update':
        device.updateOs(step.version, step.build);
        return;
      case 'offline':
        this.online = false;
        return;
      case 'online':
        this.online = true;
        return agent.backgroundTick();
      case 'user':
        return agent.userAction(await this.userAction(step.choice));
      case 'vpn':
        await agent.tunnelEvent({ type: step.event === 'connect_on_demand_off' ? 'user_turned_off' : step.event });
        return;
    }
  }

  private async userAction(choice: UserChoice): Promise<UserAction> {
    if (choice === 'trust_network') return { type: 'trust_network' };
    if (choice === 'untrust_network') {
      const current = (await this.agent.view()).trustedNetworks.current;
      return { type: 'untrust_network', ref: current?.ref ?? '' };
    }
    return USER_ACTIONS[choice];
  }
}

function root(subject: string, origin: RootCertificate['origin'], sha256?: string): RootCertificate {
  return { subject, origin, sha256: sha256 ?? fingerprint(subject) };
}

function compare(label: string, expected: Record<string, number> | undefined, actual: Record<string, number>, out: string[]): void {
  for (const [key, count] of Object.entries(expected ?? {})) {
    if ((actual[key] ?? 0) !== count) out.push(`${label} ${key}: expected ${count}, got ${actual[key] ?? 0}`);
  }
}

/**
 * Plays a scenario on virtual time: steps run in time order, each device's clock reads the
 * step's time, and at the end every device that is online delivers what it still holds.
 */
export async function runScenario(scenario: Scenario, options: ScenarioRunOptions): Promise<ScenarioOutcome> {
  const start = Date.parse(scenario.start);
  const clock = new ManualClock(start);
  const devices = new Map(scenario.devices.map((spec, i) => [spec.id, new SimulatedDevice(spec, i, clock, options)]));
  const steps = scenario.steps.map((s, index) => ({ s, index, t: start + offsetMs(s.at) })).sort((a, b) => a.t - b.t || a.index - b.index);

  for (const { s, index, t } of steps) {
    clock.set(t);
    const device = devices.get(s.device)!;
    try {
      await device.apply(s);
      options.log?.(`${s.at.padStart(6)} ${s.device}: ${s.action}`);
    } catch (err) {
      // Refusals and server errors are outcomes the scenario shows, not reasons to stop.
      if (!(err instanceof ActionRefused || err instanceof DeviceApiError)) throw err;
      device.refused.push(`step ${index} (${s.action}): ${err.message}`);
      options.log?.(`${s.at.padStart(6)} ${s.device}: ${s.action} refused: ${err.message}`);
    }
  }
  const end = clock.now();

  const outcomes: DeviceOutcome[] = [];
  const mismatches: string[] = [];
  for (const device of devices.values()) {
    if (device.online && device.agent.deviceId !== undefined) await device.agent.deliver(true);
    const notices: Record<string, number> = {};
    for (const n of device.device.notices) notices[n.kind] = (notices[n.kind] ?? 0) + 1;
    const outcome: DeviceOutcome = {
      id: device.spec.id,
      deviceId: device.agent.deviceId,
      delivered: { ...device.delivered },
      notices,
      pending: (await device.agent.outbox.pending()).length,
      refused: device.refused,
    };
    outcomes.push(outcome);
    const expected = device.spec.expect;
    compare(`${outcome.id} delivered`, expected?.delivered, outcome.delivered, mismatches);
    compare(`${outcome.id} notices`, expected?.notices, outcome.notices, mismatches);
    if (expected?.pending !== undefined && expected.pending !== outcome.pending) mismatches.push(`${outcome.id} pending: expected ${expected.pending}, got ${outcome.pending}`);
  }
  return { name: scenario.name, devices: outcomes, mismatches, virtualDurationMs: end - start };
}
