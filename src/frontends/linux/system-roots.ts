import { X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import type { CertificateStore, RootCertificate } from '../../agent/index.js';

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function splitPem(text: string): string[] {
  return text.match(PEM) ?? [];
}

function sha256Of(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
  } catch {
    return undefined; // Not a certificate: ignore, as OpenSSL does.
  }
}

/**
 * Classifies the system's trusted roots: in Node's bundled public store ('public'), added by
 * the administrator under the local CA directory ('user'), or anything else ('other').
 */
export function classifyRoots(trusted: readonly string[], local: readonly string[], publicRoots: readonly string[] = rootCertificates): RootCertificate[] {
  const publicSet = new Set(publicRoots.map(sha256Of));
  const localSet = new Set(local.map(sha256Of));
  const seen = new Set<string>();
  const roots: RootCertificate[] = [];
  for (const pem of trusted) {
    const sha256 = sha256Of(pem);
    if (!sha256 || seen.has(sha256)) continue;
    seen.add(sha256);
    const cert = new X509Certificate(pem);
    const origin = publicSet.has(sha256) ? 'public' : localSet.has(sha256) ? 'user' : 'other';
    roots.push({ sha256, subject: cert.subject.replace(/\n/g, ', '), issuer: cert.issuer.replace(/\n/g, ', '), origin });
  }
  return roots;
}

async function pemsIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true });
  } catch {
    return [];
  }
  const texts = await Promise.all(names.filter((n) => /\.(crt|pem)$/.test(n)).map((n) => readFile(path.join(dir, n), 'utf8').catch(() => '')));
  return texts.flatMap(splitPem);
}

export interface SystemRootsPaths {
  /** The bundle OpenSSL trusts (Debian/Ubuntu; Fedora's is /etc/pki/tls/certs/ca-bundle.crt). */
  bundle: string;
  /** Where administrators drop their own CAs. */
  localDir: string;
}

export const DEBIAN_PATHS: SystemRootsPaths = { bundle: '/etc/ssl/certs/ca-certificates.crt', localDir: '/usr/local/share/ca-certificates' };

/** The trusted roots of this Linux machine, compared with Node's bundled public roots. */
export function systemRoots(paths: SystemRootsPaths = DEBIAN_PATHS): CertificateStore {
  return {
    async trustedRoots() {
      const bundle = await readFile(paths.bundle, 'utf8').catch(() => '');
      return classifyRoots(splitPem(bundle), await pemsIn(paths.localDir));
    },
  };
}
