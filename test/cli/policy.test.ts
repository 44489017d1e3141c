import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseXml } from '../../src/policy/index.js';
import { testApi } from '../helpers/api.js';

const run = promisify(execFile);
const BIN = path.resolve('bin/bulwark.js');
let dir: string;

/** Runs the CLI as a user does; resolves with its exit code and output either way. */
async function bulwark(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: dir });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const write = (name: string, content: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulwark-policy-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('bulwark policy', () => {
  it('lint: a file with three mistakes prints three key-named errors and exits non-zero', async () => {
    const file = write('broken.json', {
      channel: 'mdm',
      name: 'Broken',
      settings: [
        { key: 'DefenderOpenNetworkDetection', value: '5' },
        { key: 'WebProtecion', value: 'false' },
        { key: 'DefenderExcludeURLInReport', type: 'Boolean', value: 'yes' },
        { key: 'DisableSignOut', value: 'TRUE' },
      ],
    });
    const result = await bulwark('policy', 'lint', file);
    expect(result.code).not.toBe(0);
    const errors = result.stderr.trim().split('\n');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toContain('DefenderOpenNetworkDetection: must be one of 0');
    expect(errors[1]).toContain('WebProtecion: unknown key (did you mean "WebProtection"?)');
    expect(errors[2]).toContain('DefenderExcludeURLInReport: must be true or false');
  });

  it('lint: Graph JSON and plist XML pass, with warnings on stdout', async () => {
    const graph = write('mam.json', { '@odata.type': '#microsoft.graph.targetedManagedAppConfiguration', displayName: 'BYOD', customSettings: [{ name: 'DefenderOptionalVPN', value: 'true' }] });
    const plist = write('corp.plist', '<dict><key>WebProtection</key><string>false</string></dict>');
    const result = await bulwark('policy', 'lint', graph, plist);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('warning: policy "BYOD": DefenderOptionalVPN: has no effect through MAM');
    expect(result.stdout).toContain('corp.plist: ok, 1 setting');
  });

  it('export: Graph JSON, AppConfig specfile and plist', async () => {
    const file = write('corp.json', { channel: 'mdm', name: 'Corp', settings: [{ key: 'DefenderOpenNetworkDetection', value: '1' }] });
    const graph = JSON.parse((await bulwark('policy', 'export', file, '--format', 'graph')).stdout) as { settings: Array<{ appConfigKeyType: string }> };
    expect(graph.settings[0]!.appConfigKeyType).toBe('integerType');
    const spec = await bulwark('policy', 'export', file, '--format', 'appconfig', '--bundle-id', 'com.example.mtd');
    const parsed = parseXml(spec.stdout);
    expect(parsed.ok && parsed.root.name).toBe('managedAppConfiguration');
    expect(spec.stdout).toContain('<integer keyName="DefenderOpenNetworkDetection">\n      <defaultValue><value>1</value>');
    expect((await bulwark('policy', 'export', file, '--format', 'plist')).stdout).toContain('<key>DefenderOpenNetworkDetection</key>\n\t<integer>1</integer>');
  });

  it('explain: the table of a device with provenance, read from the database', async () => {
    const dbFile = path.join(dir, 'explain.db');
    const api = await testApi({ name: 'sqlite', open: () => import('../../src/server/storage/storage.js').then((m) => m.openStorage(dbFile)) });
    const tenant = await api.tenant('Explain');
    const facts = { platform: 'ios', osVersion: '18.5', model: 'iPhone16,1', serialNumber: 'ABCD1234', supervised: true, management: 'mdm', userPrincipalName: 'ann@x.example', sharedDevice: false, agentVersion: '0.1.0' };
    const { deviceId } = (await api.call('POST', '/api/v1/device/enroll', { body: { enrollmentToken: tenant.enrollmentToken, device: facts } })).json<{ deviceId: string }>();
    await api.call('POST', '/api/v1/app-config-policies', { token: tenant.adminToken, body: { channel: 'mdm', name: 'Tags', settings: [{ key: 'DefenderDeviceTag', value: '{{serialnumber}}' }], assignment: { allDevices: true } } });
    await api.close();

    const result = await bulwark('policy', 'explain', '--device', deviceId, '--db', dbFile);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/DefenderDeviceTag\s+ABCD1234\s+policy "Tags" \(MDM, via all devices\)/);
    expect(result.stdout).toMatch(/WebProtection\s+true\s+default/);
  });
});
