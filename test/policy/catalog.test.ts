import { describe, expect, it } from 'vitest';
import { defaultValues, KEY_CATALOG, keySpec, parseKeyValue, validateAppConfigPolicy } from '../../src/policy/index.js';
import type { ConfigValue } from '../../src/protocol/index.js';

const commercial = { supervised: false, governmentTenant: false };

/** Per key of DESIGN.md 2.1: its default, values that parse (raw -> parsed), values that do not, its channels. */
const TABLE: Record<string, { default: ConfigValue | undefined; good: Array<[string | number | boolean, ConfigValue]>; bad: Array<string | number>; mam: boolean }> = {
  WebProtection: { default: true, good: [['false', false], ['TRUE', true], [false, false]], bad: ['off', '1'], mam: true },
  DefenderNetworkProtectionEnable: { default: true, good: [['False', false], ['true', true]], bad: ['enabled'], mam: true },
  DefenderOpenNetworkDetection: { default: 2, good: [['0', 0], [1, 1], [' 2 ', 2]], bad: ['3', '-1', 'audit', '1.5'], mam: true },
  DefenderEndUserTrustFlowEnable: { default: false, good: [['True', true]], bad: ['yes'], mam: true },
  DefenderNetworkProtectionAutoRemediation: { default: true, good: [['FALSE', false]], bad: ['0'], mam: true },
  DefenderNetworkProtectionPrivacy: { default: true, good: [['false', false]], bad: [''], mam: true },
  DefenderExcludeURLInReport: { default: false, good: [['true', true], [true, true]], bad: ['t'], mam: true },
  DefenderOptionalVPN: { default: false, good: [['TRUE', true]], bad: ['maybe'], mam: false },
  DefenderTVMPrivacyMode: { default: true, good: [['False', false]], bad: ['private'], mam: false },
  DisableSignOut: { default: false, good: [['true', true]], bad: ['hide'], mam: true },
  DefenderDeviceTag: { default: undefined, good: [['Sales', 'Sales'], ['{{serialnumber}}', '{{serialnumber}}']], bad: ['', '{{serialnumbr}}', 'a{{b'], mam: true },
  SuppressOSUpdateNotification: { default: false, good: [['True', true]], bad: ['never'], mam: true },
  DefenderFeedbackData: { default: true, good: [['false', false]], bad: ['no'], mam: false },
  issupervised: { default: undefined, good: [['{{issupervised}}', '{{issupervised}}'], ['true', true]], bad: ['{{deviceid}}', 'supervised'], mam: false },
};

describe('key catalog', () => {
  it('covers exactly the keys of DESIGN.md 2.1', () => {
    expect(KEY_CATALOG.map((s) => s.key).sort()).toEqual(Object.keys(TABLE).sort());
  });

  describe.each(Object.entries(TABLE))('%s', (key, row) => {
    const spec = keySpec(key)!;

    it('has its default', () => {
      expect(defaultValues(commercial)[key]).toEqual(row.default);
    });

    it.each(row.good)('parses %j', (raw, parsed) => {
      expect(parseKeyValue(spec, raw)).toMatchObject({ ok: true, value: parsed });
    });

    it.each(row.bad)('rejects %j with a reason', (raw) => {
      const result = parseKeyValue(spec, raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem.length).toBeGreaterThan(10);
    });

    it(`is ${row.mam ? 'accepted' : 'a no-effect warning'} in a MAM policy and accepted in an MDM policy`, () => {
      const value = String(row.good[0]![0]);
      const mam = validateAppConfigPolicy({ channel: 'mam', name: 'p', description: '', settings: [{ key, value }], assignment: { allDevices: true, include: [], exclude: [] } });
      const mdm = validateAppConfigPolicy({ channel: 'mdm', name: 'p', description: '', settings: [{ key, value }], assignment: { allDevices: true, include: [], exclude: [] } });
      expect(mam.errors).toEqual([]);
      expect(mdm.errors).toEqual([]);
      expect(mdm.warnings).toEqual([]);
      expect(mam.warnings.map((w) => w.key)).toEqual(row.mam ? [] : [key]);
    });
  });

  it('has tenant- and device-dependent defaults', () => {
    expect(defaultValues({ supervised: false, governmentTenant: true }).DefenderFeedbackData).toBe(false);
    expect(defaultValues({ supervised: true, governmentTenant: false }).DefenderTVMPrivacyMode).toBe(false);
  });

  it('looks keys up case-insensitively, returning the canonical name', () => {
    expect(keySpec('webprotection')?.key).toBe('WebProtection');
    expect(keySpec('NoSuchKey')).toBeUndefined();
  });
});
