import type { AlertCategory, AlertEvidence, DeviceReport, Severity, TimelineEventType } from '../../protocol/index.js';
import { compareVersions } from './version.js';

// Turns one device report into what the SOC sees: always a timeline event (save the repeats the
// open-network rule drops), sometimes an alert, sometimes the resolution of earlier alerts.
// DESIGN.md 2.2-2.4; the open-network rules follow the 2025-05-19 seed page.

export const OPEN_NETWORK_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What the rules need to know besides the report. */
export interface RuleContext {
  governmentCloud: boolean;
  /** The agent version the device runs. */
  agentVersion: string;
  /** From this agent version on, open networks are timeline events (tenant setting). */
  openNetworkEventsFromAgentVersion: string;
  supervised: boolean;
  /** `DefenderNetworkProtectionAutoRemediation` as configured for the device. */
  autoRemediation: boolean;
  /**
   * For open-network reports: when the device's nearest earlier timeline event of the same type
   * for the same network happened, or null if there is none.
   */
  previousSameEventAt: string | null;
}

export interface AlertDraft {
  /** The same threat on the same device has the same key: it updates one active alert. */
  dedupeKey: string;
  category: AlertCategory;
  severity: Severity;
  title: string;
  description: string;
  evidence: AlertEvidence;
}

export interface TimelineDraft {
  type: TimelineEventType;
  /** The network or certificate reference, for per-subject rules. */
  subject: string | null;
  title: string;
  data: Record<string, unknown>;
}

export interface Outcome {
  timeline: TimelineDraft | null;
  alert: AlertDraft | null;
  /** Dedupe keys of active alerts this report resolves. */
  resolves: string[];
}

export type OpenNetworkBehaviour = 'alert' | 'timeline';

/** GCC tenants and agents older than the configured version keep open-network alerts. */
export function openNetworkBehaviour(ctx: Pick<RuleContext, 'governmentCloud' | 'agentVersion' | 'openNetworkEventsFromAgentVersion'>): OpenNetworkBehaviour {
  if (ctx.governmentCloud) return 'alert';
  return compareVersions(ctx.agentVersion, ctx.openNetworkEventsFromAgentVersion) < 0 ? 'alert' : 'timeline';
}

/**
 * Whether earlier open-network alerts of this device resolve by themselves: once it is on the
 * timeline behaviour and auto-remediation is on.
 */
export function resolvesEarlierOpenNetworkAlerts(ctx: Pick<RuleContext, 'governmentCloud' | 'agentVersion' | 'openNetworkEventsFromAgentVersion' | 'autoRemediation'>): boolean {
  return ctx.autoRemediation && openNetworkBehaviour(ctx) === 'timeline';
}

/** Key of the alert about `category` on `subject` (one per threat per device). */
export function dedupeKey(category: AlertCategory, subject: string): string {
  return `${category}:${subject}`;
}

const REMEDIATED_CATEGORY: Record<Extract<DeviceReport, { type: 'remediated' }>['remediates'], AlertCategory> = {
  open_network: 'OpenNetwork',
  rogue_network: 'RogueNetwork',
  tls_interception: 'TlsInterception',
  suspicious_certificate: 'SuspiciousCertificate',
};

const NETWORK_THREAT: Record<'rogue_network' | 'tls_interception' | 'suspicious_certificate', { category: AlertCategory; severity: Severity; title: string }> = {
  rogue_network: { category: 'RogueNetwork', severity: 'Medium', title: 'Rogue Wi-Fi network detected' },
  tls_interception: { category: 'TlsInterception', severity: 'High', title: 'TLS interception detected' },
  suspicious_certificate: { category: 'SuspiciousCertificate', severity: 'Medium', title: 'Suspicious root certificate installed' },
};

/** The report without its envelope: what the timeline shows. */
function dataOf(report: DeviceReport): Record<string, unknown> {
  const { id: _id, type: _type, occurredAt: _at, ...data } = report;
  return data;
}

const outcome = (timeline: TimelineDraft | null, alert: AlertDraft | null = null, resolves: string[] = []): Outcome => ({ timeline, alert, resolves });

function webThreat(report: Extract<DeviceReport, { type: 'web_threat' }>, ctx: RuleContext): Outcome {
  if (report.source === 'custom_indicator') {
    // Indicator hits are timeline events, never alerts; unsupervised devices show the URL as hidden.
    const data = { ...dataOf(report), url: ctx.supervised && report.url ? report.url : 'hidden' };
    return outcome({ type: 'custom_indicator_hit', subject: report.ruleId ?? null, title: `Custom indicator ${report.action.toLowerCase()}: ${report.domain ?? 'site hidden'}`, data });
  }
  const category: AlertCategory = report.source === 'malware' ? 'MaliciousSite' : 'Phishing';
  const what = category === 'Phishing' ? 'phishing site' : 'malicious site';
  const continued = report.action === 'Warn' && report.userContinued === true;
  const severity: Severity = continued ? 'High' : report.action === 'Audit' ? 'Informational' : 'Medium';
  const verb = continued ? 'User continued to a' : report.action === 'Block' ? 'Blocked a' : report.action === 'Warn' ? 'Warned about a' : 'Audited a';
  const site = report.domain ?? 'site withheld by privacy settings';
  const title = `${verb} ${what}`;
  return outcome(
    { type: 'web_threat', subject: report.domain ?? null, title: `${title}: ${site}`, data: dataOf(report) },
    {
      dedupeKey: dedupeKey(category, report.domain ?? report.ruleId ?? 'undisclosed'),
      category,
      severity,
      title,
      description: `${title} (${report.source}) on ${report.visibility === 'full_url' ? 'a supervised device that sees full URLs' : 'a device that sees domains only'}: ${site}.`,
      evidence: {
        entityType: report.url ? 'Url' : 'Domain',
        ...(report.url ? { url: report.url } : {}),
        ...(report.domain ? { domainName: report.domain } : {}),
        reportId: report.id,
        observedAt: report.occurredAt,
      },
    },
  );
}

function openNetwork(report: Extract<DeviceReport, { type: 'open_network_connected' | 'open_network_disconnected' }>, ctx: RuleContext): Outcome {
  const connected = report.type === 'open_network_connected';
  const name = report.details?.ssid ?? 'network name withheld';
  const event: TimelineDraft = {
    type: report.type,
    subject: report.network,
    title: `${connected ? 'Connected to' : 'Disconnected from'} an open Wi-Fi network: ${name}`,
    data: dataOf(report),
  };
  if (openNetworkBehaviour(ctx) === 'alert') {
    if (!connected) return outcome(event);
    return outcome(event, {
      dedupeKey: dedupeKey('OpenNetwork', report.network),
      category: 'OpenNetwork',
      severity: 'Low',
      title: 'Connected to an open Wi-Fi network',
      description: `The device joined an open (unencrypted) Wi-Fi network: ${name}.`,
      evidence: { entityType: 'Network', reference: report.network, ...(report.details ? { detail: report.details.ssid } : {}), reportId: report.id, observedAt: report.occurredAt },
    });
  }
  // At most one connect and one disconnect event per network per device per 24 hours.
  const previous = ctx.previousSameEventAt ? Date.parse(ctx.previousSameEventAt) : null;
  const repeat = previous !== null && Math.abs(Date.parse(report.occurredAt) - previous) < OPEN_NETWORK_WINDOW_MS;
  return outcome(repeat ? null : event);
}

/** What one report becomes. */
export function decide(report: DeviceReport, ctx: RuleContext): Outcome {
  switch (report.type) {
    case 'web_threat':
      return webThreat(report, ctx);
    case 'open_network_connected':
    case 'open_network_disconnected':
      return openNetwork(report, ctx);
    case 'rogue_network':
    case 'tls_interception':
    case 'suspicious_certificate': {
      const threat = NETWORK_THREAT[report.type];
      const trusted = report.trustedByUser ? ' The user trusts this network.' : '';
      const detail = report.details && ('ssid' in report.details ? report.details.ssid : report.details.subject);
      return outcome(
        { type: report.type, subject: report.subject, title: `${threat.title} (${report.reason})`, data: dataOf(report) },
        {
          dedupeKey: dedupeKey(threat.category, report.subject),
          category: threat.category,
          severity: threat.severity,
          title: threat.title,
          description: `${threat.title}: ${report.reason}.${trusted}`,
          evidence: {
            entityType: report.type === 'suspicious_certificate' ? 'Certificate' : 'Network',
            reference: report.subject,
            ...(detail ? { detail } : {}),
            reportId: report.id,
            observedAt: report.occurredAt,
          },
        },
      );
    }
    case 'remediated': {
      const event: TimelineDraft = { type: 'remediated', subject: report.subject, title: `Threat remediated on the device (${report.how.replace(/_/g, ' ')})`, data: dataOf(report) };
      // Auto-remediation applies to alerts only; with it off the alert waits for an analyst.
      return outcome(event, null, ctx.autoRemediation ? [dedupeKey(REMEDIATED_CATEGORY[report.remediates], report.subject)] : []);
    }
    case 'jailbreak':
      return outcome(
        { type: 'jailbreak', subject: null, title: `Jailbreak detected (${report.failedChecks.join(', ')})`, data: dataOf(report) },
        {
          dedupeKey: dedupeKey('Jailbreak', 'device'),
          category: 'Jailbreak',
          severity: 'High',
          title: 'Jailbroken device',
          description: `The device failed jailbreak checks: ${report.failedChecks.join(', ')}. The app cleared its data and removed its VPN profile.`,
          evidence: { entityType: 'Device', detail: report.failedChecks.join(', '), reportId: report.id, observedAt: report.occurredAt },
        },
      );
    case 'tunnel_state':
      return outcome({ type: 'tunnel_state', subject: null, title: `Web protection ${report.state.replace(/_/g, ' ')}`, data: dataOf(report) });
    case 'inventory':
      return outcome({
        type: 'inventory',
        subject: null,
        title: `Inventory: iOS ${report.osVersion}${report.apps ? `, ${report.apps.length} apps` : ''}`,
        // The app list is kept with the device's inventory, not copied into every event.
        data: { osVersion: report.osVersion, osBuild: report.osBuild, appScope: report.appScope, appCount: report.apps?.length ?? 0 },
      });
    case 'reports_dropped':
      return outcome({ type: 'reports_dropped', subject: null, title: 'The device dropped reports while its outbox was full', data: dataOf(report) });
    case 'signed_out':
      return outcome({ type: 'signed_out', subject: null, title: 'The user signed out of the app', data: {} });
  }
}
