import type { ProbedCertificate, RootCertificate } from './adapter.js';

export type CertificateReason = 'user_installed_root' | 'non_public_root';

/**
 * Trusted roots that deserve an alert: installed by the user, or neither in the public root
 * store nor delivered by the organisation's MDM (which is how enterprises ship their own CAs).
 */
export function suspiciousRoots(roots: readonly RootCertificate[]): Array<{ root: RootCertificate; reason: CertificateReason }> {
  const found: Array<{ root: RootCertificate; reason: CertificateReason }> = [];
  for (const root of roots) {
    if (root.origin === 'user') found.push({ root, reason: 'user_installed_root' });
    else if (root.origin === 'other') found.push({ root, reason: 'non_public_root' });
  }
  return found;
}

export interface TlsAssessment {
  intercepted: boolean;
  /** The anchors to expect from now on (learned on the first probe when none were pinned). */
  anchors: string[];
}

/**
 * The TLS probe of the agent's own server: the chain must end in an expected root (sha256).
 * Deployments may pin their root; otherwise the first probe, made at enrollment, teaches it.
 * A chain ending anywhere else means something on the path re-signs TLS: interception.
 */
export function assessTlsChain(anchors: readonly string[], chain: readonly ProbedCertificate[]): TlsAssessment {
  const root = chain[chain.length - 1];
  if (!root) return { intercepted: false, anchors: [...anchors] };
  if (anchors.length === 0) return { intercepted: false, anchors: [root.sha256] };
  return { intercepted: !anchors.includes(root.sha256), anchors: [...anchors] };
}
