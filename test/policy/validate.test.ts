import { describe, expect, it } from 'vitest';
import { formatIssue, validateAppConfigPolicy } from '../../src/policy/index.js';
import type { AppConfigPolicyInput } from '../../src/protocol/index.js';

const assignment = { allDevices: true, include: [], exclude: [] };
const mdm = (settings: Extract<AppConfigPolicyInput, { channel: 'mdm' }>['settings'], plistXml?: string): AppConfigPolicyInput => ({
  channel: 'mdm',
  name: 'Corp phones',
  description: '',
  settings,
  plistXml,
  assignment,
});

describe('validateAppConfigPolicy', () => {
  it('names the policy, the key and the problem, with a did-you-mean for unknown keys', () => {
    const result = validateAppConfigPolicy(
      mdm([
        { key: 'DefenderOpenNetworkDetecton', value: '2' },
        { key: 'DefenderOpenNetworkDetection', value: '3' },
        { key: 'DefenderDeviceTag', type: 'Token', value: '{{serialnumbr}}' },
      ]),
    );
    expect(result.settings).toEqual([]);
    expect(result.errors.map(formatIssue)).toEqual([
      'policy "Corp phones": DefenderOpenNetworkDetecton: unknown key (did you mean "DefenderOpenNetworkDetection"?)',
      'policy "Corp phones": DefenderOpenNetworkDetection: must be one of 0 (Disabled), 1 (Audit (portal only)), 2 (Enabled), not "3"',
      expect.stringMatching(/^policy "Corp phones": DefenderDeviceTag: unknown token \{\{serialnumbr\}\} \(did you mean "serialnumber"\?\)/),
    ]);
  });

  it('keeps canonical names and the designer type, and parses values case-insensitively', () => {
    const result = validateAppConfigPolicy(mdm([{ key: 'webprotection', value: 'FALSE' }, { key: 'DefenderExcludeURLInReport', type: 'Boolean', value: true }]));
    expect(result.errors).toEqual([]);
    expect(result.settings).toEqual([
      { key: 'WebProtection', type: 'String', value: 'FALSE' },
      { key: 'DefenderExcludeURLInReport', type: 'Boolean', value: 'true' },
    ]);
  });

  it('refuses a value type that does not fit the key, and a key set twice', () => {
    const result = validateAppConfigPolicy(mdm([{ key: 'DefenderOpenNetworkDetection', type: 'Real', value: '1' }, { key: 'DisableSignOut', value: 'true' }, { key: 'disablesignout', value: 'false' }]));
    expect(result.errors.map((e) => [e.key, e.message])).toEqual([
      ['DefenderOpenNetworkDetection', 'value type Real does not fit this key; use Integer or String'],
      ['DisableSignOut', 'set twice (settings 2 and 3); keep one'],
    ]);
  });

  it('warns (and keeps) an MDM-only key in a MAM policy', () => {
    const result = validateAppConfigPolicy({ channel: 'mam', name: 'BYOD', description: '', settings: [{ key: 'DefenderOptionalVPN', value: 'true' }], assignment });
    expect(result.errors).toEqual([]);
    expect(result.settings).toHaveLength(1);
    expect(formatIssue(result.warnings[0]!)).toBe('policy "BYOD": DefenderOptionalVPN: has no effect through MAM: the app reads it from MDM app configuration only');
  });

  it('reads the XML plist form, typed by element', () => {
    const xml = `<dict><key>WebProtection</key><string>false</string><key>DefenderOpenNetworkDetection</key><integer>1</integer>
      <key>DefenderOptionalVPN</key><true/><key>DefenderDeviceTag</key><string>R&amp;D</string></dict>`;
    const result = validateAppConfigPolicy(mdm([], xml));
    expect(result.errors).toEqual([]);
    expect(result.settings).toEqual([
      { key: 'WebProtection', type: 'String', value: 'false' },
      { key: 'DefenderOpenNetworkDetection', type: 'Integer', value: '1' },
      { key: 'DefenderOptionalVPN', type: 'Boolean', value: 'true' },
      { key: 'DefenderDeviceTag', type: 'String', value: 'R&D' },
    ]);
  });

  it.each([
    ['<dict><key>WebProtection</key><string>false</dict>', /malformed XML: line 1: <\/dict> closes <string>/],
    ['<dict><key>WebProtection</key></dict>', /key WebProtection has no value/],
    ['<dict><key>A</key><array/></dict>', /<array> values are not app-configuration values/],
    ['<dict><key>A</key><string>x & y</string></dict>', /"&" must be written &amp;/],
    ['<plist><array/></plist>', /<plist> must hold exactly one <dict>/],
    ['<dict>\n<key>DefenderOpenNetworkDetection</key>\n<integer>two</integer></dict>', /<integer> holds "two"/],
  ])('refuses malformed plist XML %j', (xml, problem) => {
    const result = validateAppConfigPolicy(mdm([], xml));
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.message).toMatch(problem);
  });
});
