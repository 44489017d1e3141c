import type { WifiNetwork } from './adapter.js';
import type { ReportDraft } from './drafts.js';

export const OPEN_NETWORK_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A Wi-Fi network with its device-local reference. */
export interface Sighting {
  ref: string;
  network: WifiNetwork;
}

/** When a connect / disconnect event was last sent, per network reference. */
export type OpenNetworkLog = Record<string, { connected?: number; disconnected?: number }>;

export interface OpenNetworkInput {
  /** `DefenderOpenNetworkDetection`. */
  mode: 0 | 1 | 2;
  previous: Sighting | null;
  current: Sighting | null;
  log: OpenNetworkLog;
  now: number;
  /** The user trusts this network and the trust flow is enabled. */
  trusted: (ref: string) => boolean;
}

export interface OpenNetworkOutcome {
  reports: ReportDraft[];
  /** Tell the user about the open network just joined. */
  notify: Sighting | null;
  log: OpenNetworkLog;
}

/** Same network name and same security: an SSID that turns open is a different network. */
export function sameSighting(a: Sighting | null, b: Sighting | null): boolean {
  return a?.ref === b?.ref && a?.network.security === b?.network.security;
}

const isOpen = (s: Sighting | null): s is Sighting => s !== null && s.network.security === 'open';

/**
 * Open-network detection on a Wi-Fi change. Connecting to and leaving an open network are
 * timeline events, at most one of each per network per 24 hours; audit mode reports without
 * telling the user, and a network the user trusts is reported but not warned about.
 */
export function openNetworkChange(input: OpenNetworkInput): OpenNetworkOutcome {
  const { mode, previous, current, now } = input;
  const log: OpenNetworkLog = { ...input.log };
  const reports: ReportDraft[] = [];
  if (mode === 0 || sameSighting(previous, current)) return { reports, notify: null, log };
  const reportMode = mode === 1 ? 'audit' : 'enable';

  const emit = (s: Sighting, kind: 'connected' | 'disconnected') => {
    const entry = { ...log[s.ref] };
    const last = entry[kind];
    if (last !== undefined && now - last < OPEN_NETWORK_WINDOW_MS) return;
    log[s.ref] = { ...entry, [kind]: now };
    reports.push({
      type: `open_network_${kind}`,
      network: s.ref,
      mode: reportMode,
      details: { ssid: s.network.ssid, ...(s.network.bssid ? { bssid: s.network.bssid } : {}), security: 'open' },
    });
  };
  if (isOpen(previous)) emit(previous, 'disconnected');
  if (isOpen(current)) emit(current, 'connected');
  const notify = mode === 2 && isOpen(current) && !input.trusted(current.ref) ? current : null;
  return { reports, notify, log };
}
