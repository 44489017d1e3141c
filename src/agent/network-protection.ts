import type { NoticeKind, ProbedCertificate, RootCertificate, WifiNetwork } from './adapter.js';
import { assessTlsChain, suspiciousRoots } from './certificates.js';
import type { ReportDraft } from './drafts.js';
import { openNetworkChange, sameSighting, type OpenNetworkLog, type Sighting } from './open-network.js';
import { assessNetwork, type NetworkHistory } from './rogue-network.js';
import type { AgentSettings } from './settings.js';

export type ThreatKind = 'rogue_network' | 'tls_interception' | 'suspicious_certificate';

/** What network protection remembers between observations (kept in the agent's state). */
export interface NetworkState {
  /** SSID -> device-local reference; the server sees only the reference. */
  networkRefs: Record<string, string>;
  /** Certificate sha256 -> device-local reference. */
  certRefs: Record<string, string>;
  current: Sighting | null;
  openLog: OpenNetworkLog;
  history: NetworkHistory;
  /** Alerts raised and not yet remediated. */
  active: Array<{ kind: ThreatKind; subject: string }>;
  tlsAnchors: string[];
  /** Networks the user trusts (references). */
  trusted: string[];
}

export const EMPTY_NETWORK_STATE: NetworkState = {
  networkRefs: {},
  certRefs: {},
  current: null,
  openLog: {},
  history: {},
  active: [],
  tlsAnchors: [],
  trusted: [],
};

/** One look at the platform; a field left out was not observed this time. */
export interface NetworkObservation {
  wifi?: WifiNetwork | null;
  roots?: RootCertificate[];
  /** The TLS probe's chain; null when the server is not reached over TLS. */
  chain?: ProbedCertificate[] | null;
}

export interface Notice {
  kind: NoticeKind;
  subject: string;
}

export interface NetworkOutcome {
  state: NetworkState;
  reports: ReportDraft[];
  notices: Notice[];
}

const NO_WIFI = '(no wi-fi)';

/**
 * Network protection: open networks, rogue and look-alike access points, TLS interception and
 * suspicious roots, with remediation when the user fixes an alert. Pure: the caller feeds the
 * observations and a source of fresh references, and sends / shows what comes out.
 */
export function networkProtection(settings: AgentSettings, prior: NetworkState, seen: NetworkObservation, now: number, newRef: () => string): NetworkOutcome {
  if (!settings.networkProtection) return { state: prior, reports: [], notices: [] };
  const state: NetworkState = { ...prior, networkRefs: { ...prior.networkRefs }, certRefs: { ...prior.certRefs }, active: [...prior.active] };
  const reports: ReportDraft[] = [];
  const notices: Notice[] = [];
  const refOf = (table: Record<string, string>, key: string) => (table[key] ??= newRef());
  const trusted = (ref: string) => settings.endUserTrustFlow && state.trusted.includes(ref);
  const isActive = (kind: ThreatKind, subject: string) => state.active.some((a) => a.kind === kind && a.subject === subject);
  const raise = (kind: ThreatKind, subject: string, draft: ReportDraft, trustable: boolean) => {
    reports.push(draft);
    state.active.push({ kind, subject });
    if (!(trustable && trusted(subject))) notices.push({ kind, subject });
  };
  const resolve = (match: (a: { kind: ThreatKind; subject: string }) => boolean, how: 'left_network' | 'certificate_removed') => {
    for (const threat of state.active.filter(match)) {
      // Remediation resolves alerts on the server; the admin may switch that off.
      if (settings.autoRemediation) reports.push({ type: 'remediated', remediates: threat.kind, subject: threat.subject, how });
    }
    state.active = state.active.filter((a) => !match(a));
  };
  const details = (n: WifiNetwork) => ({ ssid: n.ssid, ...(n.bssid ? { bssid: n.bssid } : {}), security: n.security });

  if (seen.wifi !== undefined) {
    const previous = state.current;
    const current: Sighting | null = seen.wifi ? { ref: refOf(state.networkRefs, seen.wifi.ssid), network: seen.wifi } : null;
    if (!sameSighting(previous, current)) {
      if (previous) resolve((a) => a.kind !== 'suspicious_certificate' && a.subject === previous.ref, 'left_network');
      const open = openNetworkChange({ mode: settings.openNetworkDetection, previous, current, log: state.openLog, now, trusted });
      reports.push(...open.reports);
      state.openLog = open.log;
      if (open.notify) notices.push({ kind: 'open_network', subject: open.notify.ref });
      if (current) {
        const judged = assessNetwork(state.history, current.network);
        state.history = judged.history;
        if (judged.reason) {
          const draft: ReportDraft = {
            type: 'rogue_network',
            subject: current.ref,
            reason: judged.reason,
            ...(trusted(current.ref) ? { trustedByUser: true } : {}),
            details: details(current.network),
          };
          raise('rogue_network', current.ref, draft, true);
        }
      }
      state.current = current;
    }
  }

  if (seen.chain) {
    const subject = state.current?.ref ?? refOf(state.networkRefs, NO_WIFI);
    const tls = assessTlsChain(state.tlsAnchors, seen.chain);
    state.tlsAnchors = tls.anchors;
    const root = seen.chain[seen.chain.length - 1]!;
    if (tls.intercepted && !isActive('tls_interception', subject)) {
      const draft: ReportDraft = {
        type: 'tls_interception',
        subject,
        reason: 'unexpected_chain',
        ...(trusted(subject) ? { trustedByUser: true } : {}),
        details: { subject: root.subject, ...(root.issuer ? { issuer: root.issuer } : {}), sha256: root.sha256 },
      };
      raise('tls_interception', subject, draft, true);
    } else if (!tls.intercepted) {
      resolve((a) => a.kind === 'tls_interception', 'left_network');
    }
  }

  if (seen.roots) {
    const suspicious = suspiciousRoots(seen.roots);
    const refs = new Set<string>();
    for (const { root, reason } of suspicious) {
      const subject = refOf(state.certRefs, root.sha256);
      refs.add(subject);
      if (isActive('suspicious_certificate', subject)) continue;
      const draft: ReportDraft = {
        type: 'suspicious_certificate',
        subject,
        reason,
        details: { subject: root.subject, ...(root.issuer ? { issuer: root.issuer } : {}), sha256: root.sha256 },
      };
      raise('suspicious_certificate', subject, draft, false);
    }
    resolve((a) => a.kind === 'suspicious_certificate' && !refs.has(a.subject), 'certificate_removed');
  }
  return { state, reports, notices };
}
