import type { DeviceFacts, TunnelState } from '../protocol/index.js';

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

/** Keychain-like storage that survives restarts; holds the device credentials. */
export interface SecureStorage {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** What the device is right now; the OS version, for one, changes with updates. */
export interface DeviceFactsSource {
  facts(): Promise<DeviceFacts>;
}

/** The platform's view of the loop-back tunnel. */
export interface TunnelObserver {
  state(): { state: TunnelState; since: number };
}

export interface PlatformAdapter {
  device: DeviceFactsSource;
  storage: SecureStorage;
  clock: Clock;
  http: HttpTransport;
  tunnel: TunnelObserver;
}
