import { getRandomValues } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { AGENT_VERSION, type HttpTransport, type PlatformAdapter, type TunnelControl, type UserNotice } from '../../agent/index.js';
import type { DeviceFacts, TunnelState } from '../../protocol/index.js';
import { fetchTransport } from '../fetch-transport.js';
import { FileStorage } from './file-storage.js';
import { nmcliWifi } from './nmcli-wifi.js';
import { systemRoots } from './system-roots.js';
import { tlsProbe } from './tls-probe.js';

/** The OS release as a dotted version (VERSION_ID of /etc/os-release), "0" when unknown. */
export function osVersionOf(osRelease: string): string {
  const id = /^VERSION_ID="?([\d.]+)"?$/m.exec(osRelease)?.[1];
  return id && /^\d{1,4}(\.\d{1,4}){0,3}$/.test(id) ? id : '0';
}

/**
 * The desktop's "tunnel" is the local DNS filter and HTTP(S) proxy (front ends); until they
 * run, it only keeps the state the core decides. There is no VPN profile to remove.
 */
class DesktopTunnel implements TunnelControl {
  private current: { state: TunnelState; since: number } = { state: 'permission_pending', since: Date.now() };
  state() {
    return { ...this.current };
  }
  requestPermission() {
    return this.setState('connected').then(() => true);
  }
  setState(state: TunnelState) {
    if (state !== this.current.state) this.current = { state, since: Date.now() };
    return Promise.resolve();
  }
  removeOwnProfile() {
    return Promise.resolve();
  }
}

export interface LinuxDesktopOptions {
  serverUrl: string;
  /** Where the agent keeps its credentials, state and outbox (created 0700). */
  dataDir: string;
  notify?: (notice: UserNotice) => void;
  /** Defaults to Node's fetch. */
  http?: HttpTransport;
}

/** The agent on a Linux desktop: Wi-Fi from NetworkManager, system trust store, TLS probe, file storage. */
export function linuxDesktopAdapter(options: LinuxDesktopOptions): PlatformAdapter {
  let osRelease = '';
  try {
    osRelease = readFileSync('/etc/os-release', 'utf8');
  } catch {
    // Not every distribution has it; the version is then reported as 0.
  }
  const user = userInfo().username;
  const facts: DeviceFacts = {
    platform: 'linux',
    osVersion: osVersionOf(osRelease),
    model: 'Linux desktop',
    deviceName: hostname(),
    supervised: false,
    management: 'none',
    userPrincipalName: `${user}@${hostname()}`.padEnd(3, '_'),
    sharedDevice: false,
    agentVersion: AGENT_VERSION,
  };
  const word = new Uint32Array(1);
  const storage = new FileStorage(path.resolve(options.dataDir));
  return {
    device: { facts: () => Promise.resolve({ ...facts }) },
    storage,
    blobs: storage.blobs(),
    clock: { now: () => Date.now() },
    random: { next: () => getRandomValues(word)[0]! / 2 ** 32 },
    http: options.http ?? fetchTransport(),
    tunnel: new DesktopTunnel(),
    notifier: { notify: options.notify ?? ((n) => process.stderr.write(`bulwark: ${n.message}\n`)) },
    wifi: nmcliWifi(),
    certificates: systemRoots(),
    tlsProbe: tlsProbe(options.serverUrl),
  };
}
