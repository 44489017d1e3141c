import type { DeviceReport } from '../protocol/index.js';

export type Consent = 'unasked' | 'granted' | 'denied';

/** Everything that decides which private fields may leave the device. */
export interface PrivacyContext {
  /** `DefenderExcludeURLInReport`. */
  excludeUrlInReport: boolean;
  /** The user's "Unsafe Site Info" toggle (only offered on unsupervised devices). */
  unsafeSiteInfo: boolean;
  supervised: boolean;
  /** `DefenderNetworkProtectionPrivacy`. */
  networkPrivacy: boolean;
  /** The user's answer to the network-details consent prompt. */
  networkConsent: Consent;
}

/**
 * Whether a web threat may name its domain: always unless the admin excluded it; then only on
 * unsupervised devices whose user turned "Unsafe Site Info" on (supervised users see no toggle,
 * the admin's choice holds).
 */
export function mayShareDomain(ctx: PrivacyContext): boolean {
  return !ctx.excludeUrlInReport || (!ctx.supervised && ctx.unsafeSiteInfo);
}

/** Network details (SSID, BSSID, certificate subject) leave only with privacy off and consent given. */
export function mayShareNetworkDetails(ctx: PrivacyContext): boolean {
  return !ctx.networkPrivacy && ctx.networkConsent === 'granted';
}

/**
 * The report as it may leave the device: private fields the settings do not allow are removed.
 * Applied when a report is created and again when it is sent, so a consent withdrawn while the
 * report waited in the outbox still holds.
 */
export function applyPrivacy(report: DeviceReport, ctx: PrivacyContext): DeviceReport {
  switch (report.type) {
    case 'web_threat': {
      const { domain, url, ...rest } = report;
      if (!mayShareDomain(ctx)) return rest;
      // Only a supervised device sees full URLs; an unsupervised one never sends a path.
      const keepUrl = ctx.supervised && report.visibility === 'full_url';
      return { ...rest, ...(domain === undefined ? {} : { domain }), ...(keepUrl && url !== undefined ? { url } : {}) };
    }
    case 'open_network_connected':
    case 'open_network_disconnected':
    case 'rogue_network':
    case 'tls_interception':
    case 'suspicious_certificate': {
      if (mayShareNetworkDetails(ctx)) return report;
      const { details: _details, ...rest } = report;
      return rest;
    }
    default:
      return report;
  }
}
