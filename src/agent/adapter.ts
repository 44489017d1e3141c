import type { AppEntry, DeviceFacts, TunnelState } from '../protocol/index.js';

// The agent core does no I/O of its own: everything the platform knows or does comes in through
// these interfaces, so the same core runs in an iOS network extension, a desktop or a test.

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** Sends one request; rejects only when no answer came (network down, timeout). */
export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
}

/** Keychain-like storage that survives restarts; holds the device credentials and the outbox. */
export interface SecureStorage {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Uniform random numbers in [0, 1): report ids, device-local references and backoff jitter. */
export interface RandomSource {
  next(): number;
}

/** What the device is right now; the OS version, for one, changes with updates. */
export interface DeviceFactsSource {
  facts(): Promise<DeviceFacts>;
}

/** The platform's loop-back tunnel (web protection): observed and driven by the core. */
export interface TunnelControl {
  state(): { state: TunnelState; since: number };
  /** Asks the user for the VPN permission and starts the tunnel; false when the user declined. */
  requestPermission(): Promise<boolean>;
  /** Puts the tunnel in a state the core decided (skipped, disabled_by_policy, off after sign-out...). */
  setState(state: TunnelState): Promise<void>;
  /** Deletes only the product's own loop-back VPN profile; profiles delivered by MDM stay. */
  removeOwnProfile(): Promise<void>;
}

export type WifiSecurity = 'open' | 'wep' | 'wpa' | 'wpa2' | 'wpa3' | 'enterprise' | 'unknown';

export interface WifiNetwork {
  ssid: string;
  bssid?: string;
  security: WifiSecurity;
}

/** The Wi-Fi network the device is joined to, if any. */
export interface WifiObserver {
  current(): Promise<WifiNetwork | null>;
}

/** Where the platform says a trusted root came from. */
export type RootOrigin = 'public' | 'mdm' | 'user' | 'other';

export interface RootCertificate {
  sha256: string;
  subject: string;
  issuer?: string;
  origin: RootOrigin;
}

/** The roots the platform currently trusts. */
export interface CertificateStore {
  trustedRoots(): Promise<RootCertificate[]>;
}

export interface ProbedCertificate {
  sha256: string;
  subject: string;
  issuer?: string;
}

/**
 * Connects to the agent's own server over TLS and returns the chain it was shown, leaf first;
 * null when the server is not reached over TLS (plain HTTP in a lab) or not reachable now.
 */
export interface TlsProbe {
  probe(): Promise<ProbedCertificate[] | null>;
}

/** Raw jailbreak observations; the core scores them (jailbreak.ts). */
export interface JailbreakObservations {
  suspiciousPaths: string[];
  writableSystemPaths: string[];
  openableSchemes: string[];
  injectedLibraries: string[];
  forkAllowed: boolean;
  suspiciousSymlinks: string[];
  dyldEnvironment: string[];
  /** Simulators and Macs running iOS apps trip file and fork checks; the core skips scoring there. */
  emulated: boolean;
}

export interface JailbreakProbe {
  observe(): Promise<JailbreakObservations>;
}

/** Installed apps, managed or not; the core decides what may be sent (inventory-gate.ts). */
export interface AppInventorySource {
  apps(): Promise<AppEntry[]>;
}

export type NoticeKind = 'open_network' | 'rogue_network' | 'tls_interception' | 'suspicious_certificate' | 'jailbroken' | 'os_update';

/** A notification shown to the user; the core decides whether one is shown at all. */
export interface UserNotice {
  kind: NoticeKind;
  /** Device-local reference of the network or certificate, or the OS version for os_update. */
  subject: string;
  message: string;
}

export interface UserNotifier {
  notify(notice: UserNotice): void;
}

/**
 * A platform for the agent. The protection observers are optional: a platform that cannot see
 * something (no Wi-Fi on a server, no jailbreak on Linux) leaves it out and the check does not run.
 */
/**
 * Larger files the agent keeps (the threat database): on iOS the app group container, on a
 * desktop a file next to the credentials. Not secret, but a write must replace the old file whole.
 */
export interface BlobStorage {
  read(name: string): Promise<Uint8Array | undefined>;
  write(name: string, bytes: Uint8Array): Promise<void>;
}

export interface PlatformAdapter {
  device: DeviceFactsSource;
  storage: SecureStorage;
  blobs: BlobStorage;
  clock: Clock;
  random: RandomSource;
  http: HttpTransport;
  tunnel: TunnelControl;
  notifier: UserNotifier;
  wifi?: WifiObserver;
  certificates?: CertificateStore;
  tlsProbe?: TlsProbe;
  jailbreak?: JailbreakProbe;
  apps?: AppInventorySource;
}
