import { describe, expect, it } from 'vitest';
import { checkIndicator, checkIndicators } from '../../src/verdict/indicator-rules.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');

function indicator(indicatorType: string, indicatorValue: string, extra: Record<string, unknown> = {}) {
  return { indicatorType, indicatorValue, action: 'Block', title: 't', description: 'd', ...extra };
}

function problems(input: unknown): string[] {
  const result = checkIndicator(input, NOW);
  return result.ok ? [] : result.problems.map((p) => `${p.field}: ${p.message}`);
}

describe('checkIndicator', () => {
  it.each([
    ['IpAddress', '245.245.0.1', /used internally/],
    ['IpAddress', '0xf5.0xf5.0.1', /used internally/],
    ['Url', 'http://245.245.0.1/x', /used internally/],
    ['IpAddress', '10.1.2.3', /not a public address/],
    ['IpAddress', '203.0.113.0/24', /CIDR/],
    ['IpAddress', 'evil.example', /not an IP address/],
    ['DomainName', 'https://evil.example/x', /not a bare domain name/],
    ['DomainName', 'evil.example:443', /not a bare domain name/],
    ['DomainName', '*.evil.example', /wildcards/],
    ['DomainName', '203.0.113.7', /use an IpAddress indicator/],
    ['DomainName', 'co.uk', /public suffix/],
    ['DomainName', 'com', /public suffix/],
    ['DomainName', 'ex ample.com', /not a valid domain name/],
    ['Url', 'ftp://evil.example/x', /only http or https/],
    ['Url', 'http://evil.example:port/', /not a valid URL/],
  ])('refuses %s %s', (type, value, reason) => {
    const found = problems(indicator(type, value));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^indicatorValue: /);
    expect(found[0]).toMatch(reason);
  });

  it('refuses an expiry in the past, naming the field', () => {
    expect(problems(indicator('DomainName', 'evil.example', { expirationTime: '2026-05-31T23:59:59Z' }))).toEqual([
      'expirationTime: 2026-05-31T23:59:59Z is already past; an expired indicator would never apply',
    ]);
    expect(checkIndicator(indicator('DomainName', 'evil.example', { expirationTime: '2026-06-02T00:00:00Z' }), NOW).ok).toBe(true);
  });

  it('reports schema problems by field, several at once', () => {
    const found = problems({ indicatorType: 'FileSha1', indicatorValue: '', action: 'BlockAndRemediate', title: 't' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['action', 'description', 'indicatorType', 'indicatorValue']);
  });

  it('accepts IP addresses with a warning that iOS does not enforce them', () => {
    const result = checkIndicator(indicator('IpAddress', '203.0.113.7'), NOW);
    expect(result).toMatchObject({ ok: true, target: '203.0.113.7', warnings: [{ code: 'not_enforced_on_ios' }] });
    expect(checkIndicator(indicator('IpAddress', '2001:4860:0:0::8888'), NOW)).toMatchObject({ ok: true, target: '[2001:4860::8888]' });
  });

  it('gives the canonical target and applies defaults', () => {
    const result = checkIndicator(indicator('Url', ' HTTPS://Support.Example.com/Office/ '), NOW);
    expect(result).toMatchObject({ ok: true, target: 'support.example.com/Office', warnings: [] });
    if (result.ok) expect(result.indicator).toMatchObject({ rbacGroupNames: [], generateAlert: false });
    expect(checkIndicator(indicator('DomainName', 'Bücher.DE.'), NOW)).toMatchObject({ ok: true, target: 'xn--bcher-kva.de' });
  });

  it('checks a batch in input order', () => {
    const results = checkIndicators([indicator('DomainName', 'a.example'), indicator('IpAddress', '245.245.0.1'), null], NOW);
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
  });
});
