import { describe, expect, it } from 'vitest';
import { fromGraph, GRAPH_KEY_TYPES, KEY_CATALOG, parsePlistDict, parseXml, toGraph, toPlist, toSpecfile, validateAppConfigPolicy } from '../../src/policy/index.js';
import type { StoredSetting } from '../../src/protocol/index.js';

const settings: StoredSetting[] = [
  { key: 'WebProtection', type: 'String', value: 'false' },
  { key: 'DefenderOpenNetworkDetection', type: 'Integer', value: '1' },
  { key: 'DefenderExcludeURLInReport', type: 'Boolean', value: 'true' },
  { key: 'DefenderDeviceTag', type: 'Token', value: '{{serialnumber}}' },
];

describe('Microsoft Graph JSON', () => {
  it('exports an MDM policy as iosMobileAppConfiguration with typed settings', () => {
    const json = toGraph({ channel: 'mdm', name: 'Corp', description: 'd', settings });
    expect(json).toEqual({
      '@odata.type': '#microsoft.graph.iosMobileAppConfiguration',
      displayName: 'Corp',
      description: 'd',
      targetedMobileApps: [],
      settings: [
        { '@odata.type': '#microsoft.graph.appConfigurationSettingItem', appConfigKey: 'WebProtection', appConfigKeyType: 'stringType', appConfigKeyValue: 'false' },
        { '@odata.type': '#microsoft.graph.appConfigurationSettingItem', appConfigKey: 'DefenderOpenNetworkDetection', appConfigKeyType: 'integerType', appConfigKeyValue: '1' },
        { '@odata.type': '#microsoft.graph.appConfigurationSettingItem', appConfigKey: 'DefenderExcludeURLInReport', appConfigKeyType: 'booleanType', appConfigKeyValue: 'true' },
        { '@odata.type': '#microsoft.graph.appConfigurationSettingItem', appConfigKey: 'DefenderDeviceTag', appConfigKeyType: 'tokenType', appConfigKeyValue: '{{serialnumber}}' },
      ],
    });
    expect(Object.values(GRAPH_KEY_TYPES).sort()).toEqual(['booleanType', 'integerType', 'realType', 'stringType', 'tokenType']);
  });

  it('exports a MAM policy as targetedManagedAppConfiguration with name/value customSettings', () => {
    expect(toGraph({ channel: 'mam', name: 'BYOD', description: '', settings: [{ key: 'DisableSignOut', type: 'String', value: 'true' }] })).toEqual({
      '@odata.type': '#microsoft.graph.targetedManagedAppConfiguration',
      displayName: 'BYOD',
      description: '',
      customSettings: [{ name: 'DisableSignOut', value: 'true' }],
    });
  });

  it('imports both forms back to the same validated settings', () => {
    for (const channel of ['mdm', 'mam'] as const) {
      const exported = toGraph({ channel, name: 'Round trip', description: '', settings });
      const imported = fromGraph(JSON.parse(JSON.stringify(exported)) as unknown);
      expect(imported.ok).toBe(true);
      if (!imported.ok) continue;
      expect(imported.policy).toMatchObject({ channel, name: 'Round trip' });
      const validated = validateAppConfigPolicy(imported.policy);
      expect(validated.errors).toEqual([]);
      expect(validated.settings.map((s) => [s.key, s.value])).toEqual(settings.map((s) => [s.key, s.value]));
      if (channel === 'mdm') expect(validated.settings.map((s) => s.type)).toEqual(settings.map((s) => s.type));
    }
  });

  it('refuses Graph JSON with a bad key type or another resource type, naming the field', () => {
    const bad = fromGraph({ '@odata.type': '#microsoft.graph.iosMobileAppConfiguration', displayName: 'x', settings: [{ appConfigKey: 'A', appConfigKeyType: 'dateType', appConfigKeyValue: '1' }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problem).toContain('settings.0.appConfigKeyType');
    expect(fromGraph({ '@odata.type': '#microsoft.graph.windows10GeneralConfiguration', displayName: 'x' })).toMatchObject({ ok: false });
  });
});

describe('AppConfig specfile', () => {
  const spec = parseXml(toSpecfile({ bundleId: 'com.example.mtd' }));

  it('is well-formed and describes every key with a presentation field', () => {
    expect(spec.ok).toBe(true);
    if (!spec.ok) return;
    const root = spec.root;
    expect(root.name).toBe('managedAppConfiguration');
    expect(root.children.map((c) => c.name)).toEqual(['version', 'bundleId', 'dict', 'presentation']);
    expect(root.children[1]!.text).toBe('com.example.mtd');
    const dict = root.children[2]!;
    expect(dict.children.map((c) => c.attributes.keyName)).toEqual(KEY_CATALOG.map((k) => k.key));
    for (const element of dict.children) expect(['string', 'integer', 'boolean', 'real']).toContain(element.name);
    const fields = root.children[3]!.children;
    expect(fields.map((f) => f.attributes.keyName)).toEqual(KEY_CATALOG.map((k) => k.key));
    for (const f of fields) {
      expect(['input', 'select', 'checkbox']).toContain(f.attributes.type);
      expect(f.children.map((c) => c.name).slice(0, 2)).toEqual(['label', 'description']);
    }
  });

  it('types keys as the catalog does, with defaults and closed value sets', () => {
    if (!spec.ok) throw new Error(spec.problem);
    const dict = spec.root.children[2]!;
    const open = dict.children.find((c) => c.attributes.keyName === 'DefenderOpenNetworkDetection')!;
    expect(open.name).toBe('integer');
    expect(open.children.find((c) => c.name === 'defaultValue')!.children[0]!.text).toBe('2');
    const values = open.children.find((c) => c.name === 'constraint')!.children[0]!.children.map((v) => v.text);
    expect(values).toEqual(['0', '1', '2']);
    expect(dict.children.find((c) => c.attributes.keyName === 'DefenderExcludeURLInReport')!.name).toBe('boolean');
    expect(dict.children.find((c) => c.attributes.keyName === 'WebProtection')!.name).toBe('string');
    const field = spec.root.children[3]!.children.find((f) => f.attributes.keyName === 'DefenderOpenNetworkDetection')!;
    expect(field.attributes.type).toBe('select');
  });
});

describe('Apple plist', () => {
  it('writes each value as its MDM type calls for, and reads back', () => {
    const xml = toPlist([
      { key: 'WebProtection', type: 'String', value: false },
      { key: 'DefenderOpenNetworkDetection', type: 'Integer', value: 1 },
      { key: 'DefenderExcludeURLInReport', type: 'Boolean', value: true },
      { key: 'DefenderDeviceTag', type: 'String', value: 'R&D <lab>' },
    ]);
    expect(xml).toContain('<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN"');
    expect(xml).toContain('<key>WebProtection</key>\n\t<string>false</string>');
    expect(xml).toContain('<integer>1</integer>');
    expect(xml).toContain('<true/>');
    expect(parsePlistDict(xml)).toEqual({
      ok: true,
      entries: [
        { key: 'WebProtection', type: 'String', value: 'false' },
        { key: 'DefenderOpenNetworkDetection', type: 'Integer', value: '1' },
        { key: 'DefenderExcludeURLInReport', type: 'Boolean', value: 'true' },
        { key: 'DefenderDeviceTag', type: 'String', value: 'R&D <lab>' },
      ],
    });
  });
});
