import { describe, expect, it } from 'vitest';
import { assessTlsChain, suspiciousRoots, type RootCertificate } from '../../src/agent/index.js';

const root = (sha256: string, origin: RootCertificate['origin']): RootCertificate => ({ sha256, subject: `CN=${sha256}`, origin });

describe('suspicious root certificates', () => {
  it('flags user-installed roots and roots outside the public store, not public or MDM ones', () => {
    const found = suspiciousRoots([root('a', 'public'), root('b', 'user'), root('c', 'mdm'), root('d', 'other')]);
    expect(found.map((f) => [f.root.sha256, f.reason])).toEqual([
      ['b', 'user_installed_root'],
      ['d', 'non_public_root'],
    ]);
  });
});

describe('TLS interception probe', () => {
  const leaf = { sha256: 'leaf', subject: 'CN=bulwark.test' };
  const realRoot = { sha256: 'root1', subject: 'CN=Real Root' };
  const proxyRoot = { sha256: 'evil', subject: 'CN=Proxy CA' };

  it('learns the root on the first probe when none is pinned', () => {
    expect(assessTlsChain([], [leaf, realRoot])).toEqual({ intercepted: false, anchors: ['root1'] });
  });

  it('a chain ending in another root is interception', () => {
    expect(assessTlsChain(['root1'], [leaf, proxyRoot]).intercepted).toBe(true);
    expect(assessTlsChain(['root1'], [{ ...leaf, sha256: 'renewed' }, realRoot]).intercepted).toBe(false);
  });

  it('an empty chain decides nothing', () => {
    expect(assessTlsChain(['root1'], [])).toEqual({ intercepted: false, anchors: ['root1'] });
  });
});
