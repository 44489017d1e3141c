import { describe, expect, it } from 'vitest';
import { isIndicatorCsv, readIndicatorCsv } from '../../../src/server/secops/indicator-csv.js';
import { checkIndicators } from '../../../src/verdict/index.js';

describe('indicator CSV', () => {
  const csv = [
    'IndicatorType,IndicatorValue,Action,Title,Description,ExpirationTime,Severity,RecommendedActions,RbacGroups,Category,MitreTechniques,GenerateAlert',
    'DomainName,evil.example,Block,"Phish, reported",From the SOC,2027-01-01T00:00:00.0Z,High,,"Sales,Kiosks",Phishing,T1566,True',
    'IpAddress,245.245.0.1,Block,t,d,,,,,,,False',
    'Url,"https://x.example/a ""b""",Warn,t,"multi',
    'line",,,,,,,',
  ].join('\r\n');

  it('recognises the header', () => {
    expect(isIndicatorCsv(csv.split('\r\n')[0]!)).toBe(true);
    expect(isIndicatorCsv('evil.example')).toBe(false);
  });

  it('maps the columns to indicator fields, with row numbers, ready for checkIndicators', () => {
    const rows = readIndicatorCsv(csv);
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3]);
    expect(rows[0]?.input).toEqual({
      indicatorType: 'DomainName', indicatorValue: 'evil.example', action: 'Block', title: 'Phish, reported', description: 'From the SOC',
      expirationTime: '2027-01-01T00:00:00.0Z', severity: 'High', rbacGroupNames: ['Sales', 'Kiosks'], generateAlert: true,
    });
    expect(rows[2]?.input).toMatchObject({ indicatorValue: 'https://x.example/a "b"', description: 'multi\r\nline' });
    const checked = checkIndicators(rows.map((r) => r.input), Date.parse('2026-06-01T00:00:00Z'));
    expect(checked.map((c) => c.ok)).toEqual([true, false, true]);
  });

  it('names an unknown column', () => {
    expect(() => readIndicatorCsv('indicatorType,indicatorValue,colour\nDomainName,a.example,red')).toThrow(/unknown CSV column "colour"/);
  });
});
