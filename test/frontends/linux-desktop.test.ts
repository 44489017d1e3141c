import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, Outbox, stamp } from '../../src/agent/index.js';
import { seededRandom } from '../../src/agent/simulated-fleet.js';
import { osVersionOf } from '../../src/frontends/linux/desktop-adapter.js';
import { FileStorage } from '../../src/frontends/linux/file-storage.js';
import { nmcliWifi, parseNmcliWifi, securityOf, splitTerse } from '../../src/frontends/linux/nmcli-wifi.js';
import { classifyRoots, splitPem, systemRoots } from '../../src/frontends/linux/system-roots.js';
import { tlsProbe } from '../../src/frontends/linux/tls-probe.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'bulwark-linux-'));

/** A self-signed certificate made with the openssl CLI (what a private CA or a proxy uses). */
function selfSigned(cn: string): { key: string; cert: string } {
  const dir = tmp();
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${cn}`, '-keyout', `${dir}/k.pem`, '-out', `${dir}/c.pem`], { stdio: 'ignore' });
  return { key: readFileSync(`${dir}/k.pem`, 'utf8'), cert: readFileSync(`${dir}/c.pem`, 'utf8') };
}

describe('nmcli Wi-Fi', () => {
  it('splits terse fields with escaped colons', () => {
    expect(splitTerse('yes:Cafe\\: Free:AA\\:BB\\:CC\\:DD\\:EE\\:FF:')).toEqual(['yes', 'Cafe: Free', 'AA:BB:CC:DD:EE:FF', '']);
  });

  it('maps NetworkManager security flags', () => {
    expect(['', '--', 'WEP', 'WPA1', 'WPA2', 'WPA1 WPA2', 'WPA2 WPA3', 'WPA3', 'WPA2 802.1X', 'OWE'].map(securityOf)).toEqual([
      'open', 'open', 'wep', 'wpa', 'wpa2', 'wpa2', 'wpa3', 'wpa3', 'enterprise', 'unknown',
    ]);
  });

  it('finds the active network, or none', () => {
    const out = 'no:Neighbour:11\\:22\\:33\\:44\\:55\\:66:WPA2\nyes:Cafe Libre:AA\\:BB\\:CC\\:DD\\:EE\\:FF:\nno::77\\:88\\:99\\:AA\\:BB\\:CC:WPA2\n';
    expect(parseNmcliWifi(out)).toEqual({ ssid: 'Cafe Libre', bssid: 'aa:bb:cc:dd:ee:ff', security: 'open' });
    expect(parseNmcliWifi('no:Neighbour:11\\:22:WPA2\n')).toBeNull();
  });

  it('without nmcli there is no Wi-Fi, not an error', async () => {
    expect(await nmcliWifi('/nonexistent/nmcli').current()).toBeNull();
  });
});

describe('system trust store', () => {
  it('classifies public, administrator-added and other roots', () => {
    const publicRoot = rootCertificates[0]!;
    const local = selfSigned('Corp Local CA').cert;
    const other = selfSigned('Unknown CA').cert;
    const roots = classifyRoots([publicRoot, local, other, local], [local]);
    expect(roots.map((r) => r.origin)).toEqual(['public', 'user', 'other']);
    expect(roots[1]).toMatchObject({ subject: 'CN=Corp Local CA' });
    expect(roots.every((r) => /^[0-9a-f]{64}$/.test(r.sha256))).toBe(true);
  });

  it('splits PEM bundles', () => {
    expect(splitPem(`junk\n${rootCertificates[0]}\n${rootCertificates[1]}\n`)).toHaveLength(2);
  });

  it.runIf(existsSync('/etc/ssl/certs/ca-certificates.crt'))('reads this machine\'s store: mostly Node\'s public roots', async () => {
    const roots = await systemRoots().trustedRoots();
    expect(roots.filter((r) => r.origin === 'public').length).toBeGreaterThan(50);
  });

  it('reads a store from given paths', async () => {
    const dir = tmp();
    const local = selfSigned('Lab CA').cert;
    execFileSync('mkdir', ['-p', `${dir}/local`]);
    execFileSync('sh', ['-c', `cat > ${dir}/bundle.crt`], { input: `${rootCertificates[0]}\n${local}` });
    execFileSync('sh', ['-c', `cat > ${dir}/local/lab.crt`], { input: local });
    const roots = await systemRoots({ bundle: `${dir}/bundle.crt`, localDir: `${dir}/local` }).trustedRoots();
    expect(roots.map((r) => r.origin)).toEqual(['public', 'user']);
  });
});

describe('TLS probe', () => {
  let server: Server;
  let url: string;
  const pair = selfSigned('localhost');

  beforeAll(async () => {
    server = createServer({ key: pair.key, cert: pair.cert }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('returns the chain the server presents', async () => {
    const chain = await tlsProbe(url).probe();
    const expected = new (await import('node:crypto')).X509Certificate(pair.cert).fingerprint256.replace(/:/g, '').toLowerCase();
    expect(chain).toEqual([{ sha256: expected, subject: 'CN=localhost', issuer: 'CN=localhost' }]);
  });

  it('plain HTTP and unreachable servers give no chain', async () => {
    expect(await tlsProbe('http://127.0.0.1:1').probe()).toBeNull();
    expect(await tlsProbe('https://127.0.0.1:1').probe()).toBeNull();
  });
});

describe('file storage', () => {
  it('keeps values in 0600 files in a 0700 directory, across instances', async () => {
    const dir = path.join(tmp(), 'agent');
    const a = new FileStorage(dir);
    await a.set('bulwark.outbox', '{"x":1}');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'bulwark.outbox.json')).mode & 0o777).toBe(0o600);
    expect(await new FileStorage(dir).get('bulwark.outbox')).toBe('{"x":1}');
    await a.delete('bulwark.outbox');
    expect(await a.get('bulwark.outbox')).toBeUndefined();
    await expect(a.set('../escape', 'x')).rejects.toThrow(/safe file name/);
  });

  it('applies concurrent writes of one key in order, leaving no temporary files', async () => {
    const dir = tmp();
    const store = new FileStorage(dir);
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.set('bulwark.state', `{"n":${i}}`)));
    expect(await store.get('bulwark.state')).toBe('{"n":39}');
    const blobs = store.blobs();
    await Promise.all([blobs.write('db', Uint8Array.from([1, 2])), blobs.write('db', Uint8Array.from([3, 4, 5]))]);
    expect(Array.from((await blobs.read('db'))!)).toEqual([3, 4, 5]);
    expect(await blobs.read('missing')).toBeUndefined();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('the outbox in a file survives a restart', async () => {
    const dir = tmp();
    const clock = new ManualClock(0);
    const random = { next: seededRandom(5) };
    const report = stamp({ type: 'jailbreak', failedChecks: ['sandbox_write'], score: 3 }, random, 0);
    await new Outbox({ storage: new FileStorage(dir), clock, random }).enqueue(report);
    expect(await new Outbox({ storage: new FileStorage(dir), clock, random }).pending()).toEqual([report]);
  });
});

describe('desktop facts', () => {
  it('reads the OS version from os-release', () => {
    expect(osVersionOf('NAME="Debian"\nVERSION_ID="12"\n')).toBe('12');
    expect(osVersionOf('VERSION_ID=22.04\n')).toBe('22.04');
    expect(osVersionOf('NAME=Arch\n')).toBe('0');
  });
});

describe('the agent on this Linux machine', () => {
  it('enrolls, sees the system roots and reports the non-public ones without their subjects', async () => {
    const { Agent } = await import('../../src/agent/index.js');
    const { linuxDesktopAdapter } = await import('../../src/frontends/linux/desktop-adapter.js');
    const { FakeDeviceServer } = await import('../helpers/fake-device-server.js');
    const server = new FakeDeviceServer();
    const notices: string[] = [];
    const adapter = linuxDesktopAdapter({ serverUrl: 'http://fake.test', dataDir: path.join(tmp(), 'agent'), http: server, notify: (n) => notices.push(n.kind) });
    const agent = new Agent({ adapter, serverUrl: 'http://fake.test', enrollmentToken: 'bwe_x' });
    await agent.appOpened();
    const roots = await adapter.certificates!.trustedRoots();
    const flagged = roots.filter((r) => r.origin !== 'public' && r.origin !== 'mdm');
    const reported = server.reportsOf(agent.deviceId!).filter((r) => r.type === 'suspicious_certificate');
    expect(reported).toHaveLength(flagged.length);
    expect(notices.filter((k) => k === 'suspicious_certificate')).toHaveLength(flagged.length);
    const wire = server.requests.map((q) => q.body ?? '').join('\n');
    for (const root of flagged) expect(wire).not.toContain(root.subject);
    expect(await adapter.storage.get('bulwark.outbox')).toContain('"entries":[]');
  });
});
