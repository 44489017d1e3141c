import { describe, expect, it } from 'vitest';
import { checkIndicators, isIndicatorCsv, parseCsv, parseDomainList, parseIndicatorCsv } from '../../src/verdict/index.js';

describe('parseDomainList', () => {
  it('reads plain lists, hosts files and ||domain^ rules, skipping comments and loopback names', () => {
    const text = ['# a comment', '! adblock comment', '[Adblock Plus 2.0]', 'evil.example', '0.0.0.0 ads.example tracker.example # inline', '127.0.0.1 localhost', '::1 ip6-localhost', '||rule.example^', 'http://url.example/path', ''].join('\n');
    expect(parseDomainList(text)).toEqual([
      { line: 4, value: 'evil.example' },
      { line: 5, value: 'ads.example' },
      { line: 5, value: 'tracker.example' },
      { line: 8, value: 'rule.example' },
      { line: 9, value: 'http://url.example/path' },
    ]);
  });
});

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

  it('parses quoted fields with commas, quotes and line breaks', () => {
    expect(parseCsv('a,"b,c","d""e"\n"f\ng",h')).toEqual([['a', 'b,c', 'd"e'], ['f\ng', 'h']]);
  });

  it('maps the columns to indicator fields, with row numbers, ready for checkIndicators', () => {
    const rows = parseIndicatorCsv(csv);
    expect(rows.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(rows[0]?.input).toEqual({
      indicatorType: 'DomainName', indicatorValue: 'evil.example', action: 'Block', title: 'Phish, reported', description: 'From the SOC',
      expirationTime: '2027-01-01T00:00:00.0Z', severity: 'High', rbacGroupNames: ['Sales', 'Kiosks'], generateAlert: true,
    });
    expect(rows[2]?.input).toMatchObject({ indicatorValue: 'https://x.example/a "b"', description: 'multi\r\nline' });
    const checked = checkIndicators(rows.map((r) => r.input), Date.parse('2026-06-01T00:00:00Z'));
    expect(checked.map((c) => c.ok)).toEqual([true, false, true]);
  });

  it('names an unknown column', () => {
    expect(() => parseIndicatorCsv('indicatorType,indicatorValue,colour\nDomainName,a.example,red')).toThrow(/unknown column 'colour'/);
  });
});
