import { describe, expect, it } from 'vitest';
import { applicableAccessPolicies, resolveConfig, substitute, parseTemplate, type ResolvablePolicy, type ResolutionDevice } from '../../src/policy/index.js';

const device = (overrides: Partial<ResolutionDevice> = {}): ResolutionDevice => ({
  deviceId: 'dev-1',
  tenantId: 'tenant-1',
  userPrincipalName: 'Ann.Lee@Contoso.example',
  serialNumber: 'F2LXK1ABCD42',
  supervised: true,
  management: 'mdm',
  ...overrides,
});

const groups = [
  { id: 'g-sales', name: 'Sales', users: ['ann.lee@contoso.example'], devices: [] },
  { id: 'g-pilot', name: 'Pilot', users: [], devices: ['dev-1'] },
  { id: 'g-other', name: 'Other', users: ['bob@contoso.example'], devices: [] },
];

let n = 0;
const policy = (channel: 'mdm' | 'mam', settings: Array<[string, string]>, assignment: Partial<ResolvablePolicy['assignment']> = {}): ResolvablePolicy => ({
  id: `p${++n}`,
  name: `policy ${n}`,
  channel,
  settings: settings.map(([key, value]) => ({ key, type: 'String', value })),
  assignment: { allDevices: false, include: [], exclude: [], ...assignment },
});

const resolve = (policies: ResolvablePolicy[], d = device(), governmentCloud = false) => resolveConfig({ device: d, tenant: { governmentCloud }, groups, policies });

describe('resolveConfig', () => {
  it('gives every value a provenance: the policy and the groups that brought it, or the default', () => {
    const p = policy('mdm', [['WebProtection', 'false']], { include: ['g-sales', 'g-other'] });
    const r = resolve([p]);
    expect(r.values.WebProtection).toBe(false);
    expect(r.settings.find((s) => s.key === 'WebProtection')!.source).toEqual({ kind: 'policy', policies: [{ id: p.id, name: p.name, channel: 'mdm', via: ['Sales'] }] });
    expect(r.settings.find((s) => s.key === 'DisableSignOut')!.source).toEqual({ kind: 'default' });
    expect(r.conflicts).toEqual([]);
  });

  it('lets exclude beat include', () => {
    const p = policy('mdm', [['DefenderDeviceTag', 'vip']], { allDevices: true, include: ['g-sales'], exclude: ['g-pilot'] });
    const r = resolve([p]);
    expect(r.values.DefenderDeviceTag).toBeUndefined();
    expect(r.policies).toEqual([]);
    expect(resolve([p], device({ deviceId: 'dev-2' })).values.DefenderDeviceTag).toBe('vip');
  });

  it('substitutes tokens per device', () => {
    const p = policy('mdm', [['DefenderDeviceTag', '{{partialupn}}-{{SerialNumberLast4Digits}}'], ['issupervised', '{{issupervised}}']], { allDevices: true });
    expect(resolve([p]).values).toMatchObject({ DefenderDeviceTag: 'Ann.Lee-CD42', issupervised: true });
    expect(resolve([p], device({ deviceId: 'dev-9', supervised: false, userPrincipalName: 'kim@x.example', serialNumber: 'ZZ0001' })).values).toMatchObject({
      DefenderDeviceTag: 'kim-0001',
      issupervised: false,
    });
  });

  it('leaves a key out, with a warning, when a token has no value for the device', () => {
    const p = policy('mdm', [['DefenderDeviceTag', '{{serialnumber}}']], { allDevices: true });
    const r = resolve([p], device({ serialNumber: null }));
    expect(r.values.DefenderDeviceTag).toBeUndefined();
    expect(r.warnings[0]!.message).toContain('{{serialnumber}}');
  });

  it('reports network protection through both MDM and MAM as a conflict', () => {
    const viaMdm = policy('mdm', [['DefenderNetworkProtectionEnable', 'true'], ['DefenderOpenNetworkDetection', '1']], { allDevices: true });
    const viaMam = policy('mam', [['DefenderNetworkProtectionEnable', 'true'], ['DefenderOpenNetworkDetection', '2']], { include: ['g-sales'] });
    const r = resolve([viaMam, viaMdm]);
    expect(r.conflicts.find((c) => c.kind === 'network_protection_channels')!.policies.map((p) => p.id).sort()).toEqual([viaMdm.id, viaMam.id].sort());
    // The key both agree on is applied; the one they disagree on keeps its default and is a value conflict.
    expect(r.values.DefenderNetworkProtectionEnable).toBe(true);
    expect(r.values.DefenderOpenNetworkDetection).toBe(2);
    expect(r.settings.find((s) => s.key === 'DefenderOpenNetworkDetection')!.source.kind).toBe('default');
    expect(r.conflicts.find((c) => c.kind === 'value')).toMatchObject({ key: 'DefenderOpenNetworkDetection', policies: [{ value: 1 }, { value: 2 }] });
  });

  it('does not depend on the order of policies', () => {
    const a = policy('mdm', [['DefenderDeviceTag', 'a']], { allDevices: true });
    const b = policy('mdm', [['DefenderDeviceTag', 'b']], { allDevices: true });
    expect(resolve([a, b])).toEqual(resolve([b, a]));
    expect(resolve([a, b]).values.DefenderDeviceTag).toBeUndefined();
  });

  it('delivers MDM policies to enrolled devices only, MAM policies to managed apps, nothing to unmanaged devices', () => {
    const viaMdm = policy('mdm', [['DisableSignOut', 'true']], { allDevices: true });
    const viaMam = policy('mam', [['SuppressOSUpdateNotification', 'true'], ['DefenderOptionalVPN', 'true']], { allDevices: true });
    const mam = resolve([viaMdm, viaMam], device({ management: 'mam' }));
    expect(mam.values).toMatchObject({ DisableSignOut: false, SuppressOSUpdateNotification: true, DefenderOptionalVPN: false });
    expect(mam.warnings.map((w) => w.key)).toEqual(['DefenderOptionalVPN']);
    expect(resolve([viaMdm, viaMam], device({ management: 'none' })).policies).toEqual([]);
  });

  it('uses tenant- and device-dependent defaults', () => {
    expect(resolve([], device({ supervised: false }), true).values).toMatchObject({ DefenderFeedbackData: false, DefenderTVMPrivacyMode: true });
  });
});

describe('tokens', () => {
  it('rejects malformed templates and fills known facts', () => {
    expect(parseTemplate('{{deviceid')).toMatchObject({ ok: false });
    expect(parseTemplate('x}}')).toMatchObject({ ok: false });
    const t = parseTemplate('{{UserPrincipalName}}/{{mail}}/{{accountid}}/{{deviceid}}');
    expect(t.ok).toBe(true);
    if (t.ok) expect(substitute(t.parts, device())).toEqual({ ok: true, value: 'Ann.Lee@Contoso.example/Ann.Lee@Contoso.example/tenant-1/dev-1' });
    const unknown = parseTemplate('{{userid}}{{aaddeviceid}}');
    if (unknown.ok) expect(substitute(unknown.parts, device())).toEqual({ ok: false, missing: ['userid', 'aaddeviceid'] });
  });
});

describe('applicableAccessPolicies', () => {
  const protection = [
    { id: 'ap1', maxThreatLevel: 'medium', assignment: { allDevices: true, include: [], exclude: ['g-other'] } },
    { id: 'ap2', maxThreatLevel: 'low', assignment: { allDevices: false, include: ['g-pilot'], exclude: [] } },
  ];
  const compliance = [{ id: 'c1', assignment: { allDevices: false, include: ['g-sales'], exclude: [] } }];

  it('gives app protection to managed apps and compliance to enrolled devices, with assignment rules', () => {
    const mdm = applicableAccessPolicies({ id: 'dev-1', userPrincipalName: 'ann.lee@contoso.example', management: 'mdm' }, groups, { appProtection: protection, compliance });
    expect(mdm.appProtection.map((p) => [p.id, p.via])).toEqual([
      ['ap1', ['all devices']],
      ['ap2', ['Pilot']],
    ]);
    expect(mdm.compliance.map((p) => p.id)).toEqual(['c1']);
    const mam = applicableAccessPolicies({ id: 'dev-7', userPrincipalName: 'bob@contoso.example', management: 'mam' }, groups, { appProtection: protection, compliance });
    expect(mam).toEqual({ appProtection: [], compliance: [] });
    const none = applicableAccessPolicies({ id: 'dev-1', userPrincipalName: null, management: 'none' }, groups, { appProtection: protection, compliance });
    expect(none).toEqual({ appProtection: [], compliance: [] });
  });
});
