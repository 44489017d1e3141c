import { connect, type DetailedPeerCertificate } from 'node:tls';
import type { ProbedCertificate, TlsProbe } from '../../agent/index.js';

/**
 * The TLS probe of the agent's own server: connects, reads the chain it is shown (leaf first,
 * up to the root when the local store completes it) and hangs up without sending anything.
 * Verification is left to the core, which compares the root with the expected one, so an
 * intercepted chain is seen rather than refused.
 */
export function tlsProbe(serverUrl: string, timeoutMs = 5_000): TlsProbe {
  const url = new URL(serverUrl);
  return {
    probe: () =>
      new Promise((resolve) => {
        if (url.protocol !== 'https:') return resolve(null);
        const socket = connect({ host: url.hostname, port: Number(url.port || 443), servername: url.hostname, rejectUnauthorized: false, timeout: timeoutMs }, () => {
          const chain = chainOf(socket.getPeerCertificate(true));
          socket.destroy();
          resolve(chain.length > 0 ? chain : null);
        });
        socket.on('error', () => resolve(null));
        socket.on('timeout', () => {
          socket.destroy();
          resolve(null);
        });
      }),
  };
}

function chainOf(leaf: DetailedPeerCertificate): ProbedCertificate[] {
  const chain: ProbedCertificate[] = [];
  const seen = new Set<string>();
  for (let cert: DetailedPeerCertificate | undefined = leaf; cert?.fingerprint256 && !seen.has(cert.fingerprint256); cert = cert.issuerCertificate) {
    seen.add(cert.fingerprint256);
    chain.push({ sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(), subject: dn(cert.subject), issuer: dn(cert.issuer) });
  }
  return chain;
}

function dn(name: Record<string, string | string[] | undefined> | undefined): string {
  return Object.entries(name ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}
