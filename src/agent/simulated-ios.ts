import type { AppEntry, DeviceFacts, TunnelState } from '../protocol/index.js';
import type {
  Clock,
  HttpTransport,
  JailbreakObservations,
  PlatformAdapter,
  ProbedCertificate,
  RandomSource,
  RootCertificate,
  SecureStorage,
  TunnelControl,
  BlobStorage,
  UserNotice,
  WifiNetwork,
} from './adapter.js';
import { seededRandom } from './simulated-fleet.js';

/** Secure storage held in memory. */
export class MemoryStorage implements SecureStorage {
  private readonly entries = new Map<string, string>();
  get(key: string) {
    return Promise.resolve(this.entries.get(key));
  }
  set(key: string, value: string) {
    this.entries.set(key, value);
    return Promise.resolve();
  }
  delete(key: string) {
    this.entries.delete(key);
    return Promise.resolve();
  }
  keys(): string[] {
    return [...this.entries.keys()];
  }
}

/** Blob storage held in memory (the app group container of a simulated device). */
export class MemoryBlobs implements BlobStorage {
  readonly files = new Map<string, Uint8Array>();
  read(name: string) {
    const file = this.files.get(name);
    return Promise.resolve(file && file.slice());
  }
  write(name: string, bytes: Uint8Array) {
    this.files.set(name, bytes.slice());
    return Promise.resolve();
  }
}

/** A clock the test or scenario moves by hand. */
export class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

export const CLEAN_DEVICE: JailbreakObservations = {
  suspiciousPaths: [],
  writableSystemPaths: [],
  openableSchemes: [],
  injectedLibraries: [],
  forkAllowed: false,
  suspiciousSymlinks: [],
  dyldEnvironment: [],
  emulated: false,
};

/** What a rootless jailbreak (Dopamine-like) looks like to the probes. */
export const ROOTLESS_JAILBREAK: JailbreakObservations = {
  ...CLEAN_DEVICE,
  suspiciousPaths: ['/var/jb', '/Applications/Sileo.app'],
  openableSchemes: ['sileo://'],
  injectedLibraries: ['/usr/lib/libellekit.dylib'],
  suspiciousSymlinks: ['/var/jb'],
};

/** FNV-1a: a stable 32-bit seed from a string. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface VpnProfile {
  name: string;
  /** `bulwark`: the product's own loop-back VPN; `mdm`: delivered by the organisation's MDM. */
  owner: 'bulwark' | 'mdm';
}

/** The simulated tunnel: the user's answer to the VPN permission is set by the test or scenario. */
class SimulatedTunnel implements TunnelControl {
  private current: { state: TunnelState; since: number };
  /** What the user answers to the VPN permission prompt. */
  userAllowsVpn = true;
  profiles: VpnProfile[] = [];

  constructor(private readonly clock: Clock) {
    this.current = { state: 'permission_pending', since: clock.now() };
  }
  state() {
    return { ...this.current };
  }
  set(state: TunnelState) {
    if (state !== this.current.state) this.current = { state, since: this.clock.now() };
  }
  requestPermission() {
    if (!this.userAllowsVpn) return Promise.resolve(false);
    if (!this.profiles.some((p) => p.owner === 'bulwark')) this.profiles.push({ name: 'Bulwark loop-back', owner: 'bulwark' });
    this.set('connected');
    return Promise.resolve(true);
  }
  setState(state: TunnelState) {
    this.set(state);
    return Promise.resolve();
  }
  removeOwnProfile() {
    this.profiles = this.profiles.filter((p) => p.owner !== 'bulwark');
    return Promise.resolve();
  }
}

/**
 * An iOS device in memory, built from a description: tests and `bulwark simulate` drive it.
 * Every observation the agent makes of the platform is a field here that can be changed.
 */
export class SimulatedIosDevice implements PlatformAdapter {
  readonly storage: MemoryStorage;
  readonly blobs: MemoryBlobs;
  readonly random: RandomSource;
  readonly tunnel: SimulatedTunnel;
  /** Everything the user was shown, in order. */
  readonly notices: UserNotice[] = [];
  readonly notifier = { notify: (notice: UserNotice) => void this.notices.push(notice) };

  network: WifiNetwork | null = null;
  roots: RootCertificate[] = [];
  /** The chain the TLS probe sees; null when the server is plain HTTP. */
  serverChain: ProbedCertificate[] | null = null;
  /** When set, the probe sees this chain instead: a TLS-intercepting proxy on the path. */
  interceptor: ProbedCertificate[] | null = null;
  jailbreakState: JailbreakObservations = CLEAN_DEVICE;
  installedApps: AppEntry[] = [];

  readonly device = { facts: () => Promise.resolve({ ...this.facts }) };
  readonly wifi = { current: () => Promise.resolve(this.network && { ...this.network }) };
  readonly certificates = { trustedRoots: () => Promise.resolve(this.roots.map((r) => ({ ...r }))) };
  readonly tlsProbe = { probe: () => Promise.resolve(this.interceptor ?? this.serverChain) };
  readonly jailbreak = { observe: () => Promise.resolve(JSON.parse(JSON.stringify(this.jailbreakState)) as JailbreakObservations) };
  readonly apps = { apps: () => Promise.resolve(this.installedApps.map((a) => ({ ...a }))) };

  constructor(
    public facts: DeviceFacts,
    readonly http: HttpTransport,
    readonly clock: Clock = { now: () => Date.now() },
    options: { storage?: MemoryStorage; blobs?: MemoryBlobs; seed?: number } = {},
  ) {
    this.storage = options.storage ?? new MemoryStorage();
    this.blobs = options.blobs ?? new MemoryBlobs();
    // Seeded from the device's facts by default, so two simulated devices never share ids.
    const next = seededRandom(options.seed ?? hashString(JSON.stringify(facts)));
    this.random = { next };
    this.tunnel = new SimulatedTunnel(clock);
  }

  setTunnel(state: TunnelState): void {
    this.tunnel.set(state);
  }

  updateOs(osVersion: string, osBuild?: string): void {
    this.facts = { ...this.facts, osVersion, osBuild };
  }
}
