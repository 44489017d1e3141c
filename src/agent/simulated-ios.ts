import type { DeviceFacts, TunnelState } from '../protocol/index.js';
import type { Clock, HttpTransport, PlatformAdapter, SecureStorage } from './adapter.js';

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

/**
 * An iOS device in memory, built from a description: tests and `bulwark simulate` drive it.
 * Every observation the agent makes of the platform is a field here that can be changed.
 */
export class SimulatedIosDevice implements PlatformAdapter {
  readonly storage = new MemoryStorage();
  private tunnelState: { state: TunnelState; since: number };

  readonly device = { facts: () => Promise.resolve({ ...this.facts }) };
  readonly tunnel = { state: () => ({ ...this.tunnelState }) };

  constructor(
    public facts: DeviceFacts,
    readonly http: HttpTransport,
    readonly clock: Clock = { now: () => Date.now() },
  ) {
    this.tunnelState = { state: 'permission_pending', since: clock.now() };
  }

  setTunnel(state: TunnelState): void {
    this.tunnelState = { state, since: this.clock.now() };
  }

  updateOs(osVersion: string, osBuild?: string): void {
    this.facts = { ...this.facts, osVersion, osBuild };
  }
}
