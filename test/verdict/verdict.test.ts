import { describe, expect, it } from 'vitest';
import { buildThreatDb, verdict, type FeedEntry } from '../../src/verdict/index.js';
import { ask, indicator } from './helpers.js';

const feeds: FeedEntry[] = [
  { value: 'evil.example', source: 'openphish', category: 'phishing' },
  { value: 'safe.evil.example', source: 'tenant-allow', category: 'allowlist', action: 'Allowed' },
  { value: 'docs.example/phish/', source: 'openphish', category: 'phishing' },
  { value: 'http://files.example/dl/payload.exe?id=7', source: 'urlhaus', category: 'malware' },
  { value: 'cdn.example', source: 'urlhaus', category: 'malware', action: 'Audit' },
];

describe('verdict: feeds', () => {
  const { db, rejected } = buildThreatDb({ feeds: [...feeds, { value: 'com', source: 'x', category: 'y' }, { value: 'http://bad host/', source: 'x', category: 'y' }], brands: [] });

  it('rejects entries that are not targets, with the reason and position', () => {
    expect(rejected.map((r) => [r.index, r.value])).toEqual([[5, 'com'], [6, 'http://bad host/']]);
    expect(rejected[0]?.reason).toMatch(/top-level domain/);
  });

  it('blocks a listed domain and its subdomains, and explains with the feed entry', () => {
    for (const url of ['http://evil.example/', 'https://a.b.EVIL.example./x?y#z', 'evil.example']) {
      expect(verdict(db, ask(url))).toMatchObject({
        action: 'Block',
        domainOnly: false,
        reason: { kind: 'feed', source: 'openphish', category: 'phishing', action: 'Block', expression: 'evil.example' },
      });
    }
    expect(verdict(db, ask('http://notevil.example/')).action).toBe('None');
    expect(verdict(db, ask('http://evil.example.org/')).action).toBe('None');
  });

  it('lets the more specific entry win: an allowed subdomain of a blocked domain', () => {
    expect(verdict(db, ask('https://www.safe.evil.example/login'))).toMatchObject({ action: 'Allowed', reason: { expression: 'safe.evil.example' } });
  });

  it('matches path prefixes at slashes and exact URLs with their query', () => {
    expect(verdict(db, ask('http://docs.example/phish')).reason).toMatchObject({ expression: 'docs.example/phish' });
    expect(verdict(db, ask('http://docs.example/phish/deep/page.html?x=1')).action).toBe('Block');
    expect(verdict(db, ask('http://docs.example/phishing')).action).toBe('None');
    expect(verdict(db, ask('http://docs.example/')).action).toBe('None');
    expect(verdict(db, ask('http://files.example/dl/payload.exe?id=7')).reason).toMatchObject({ category: 'malware', expression: 'files.example/dl/payload.exe?id=7' });
    expect(verdict(db, ask('http://files.example/dl/payload.exe?id=8')).action).toBe('None');
    expect(verdict(db, ask('http://files.example/dl/%70ayload.exe?id=7')).action).toBe('Block');
  });

  it('never blocks a domain-only question because of a path entry, and says it was domain-only', () => {
    expect(verdict(db, ask('docs.example', { visibility: 'domain-only' }))).toMatchObject({ action: 'None', domainOnly: true });
    expect(verdict(db, ask('http://docs.example/phish/x', { visibility: 'domain-only' }))).toMatchObject({ action: 'None', domainOnly: true });
    expect(verdict(db, ask('evil.example', { visibility: 'domain-only' }))).toMatchObject({ action: 'Block', domainOnly: true });
  });

  it('records Audit entries without acting on them', () => {
    const answer = verdict(db, ask('https://cdn.example/lib.js'));
    expect(answer.action).toBe('None');
    expect(answer.audits).toMatchObject([{ kind: 'feed', source: 'urlhaus', action: 'Audit' }]);
  });

  it('answers unreadable URLs with an error and no action', () => {
    const answer = verdict(db, ask('http://exa mple.com/'));
    expect(answer.action).toBe('None');
    expect(answer.error).toMatch(/not a valid host name/);
  });
});

describe('verdict: indicators', () => {
  const build = (...indicators: ReturnType<typeof indicator>[]) => buildThreatDb({ feeds, indicators, brands: [] }).db;

  it('for one target, Allowed beats Warn beats Block', () => {
    const block = indicator({ indicatorType: 'DomainName', indicatorValue: 'x.example', action: 'Block' });
    const warn = indicator({ indicatorType: 'DomainName', indicatorValue: 'x.example', action: 'Warn' });
    const allow = indicator({ indicatorType: 'Url', indicatorValue: 'https://x.example/', action: 'Allowed' });
    expect(verdict(build(block), ask('http://x.example/')).action).toBe('Block');
    expect(verdict(build(block, warn), ask('http://x.example/'))).toMatchObject({ action: 'Warn', reason: { indicatorId: warn.id } });
    expect(verdict(build(warn, allow, block), ask('http://x.example/'))).toMatchObject({ action: 'Allowed', reason: { indicatorId: allow.id } });
  });

  it('between URL indicators the longer one wins', () => {
    const site = indicator({ indicatorType: 'Url', indicatorValue: 'https://support.example.com', action: 'Allowed' });
    const office = indicator({ indicatorType: 'Url', indicatorValue: 'https://support.example.com/office', action: 'Block' });
    const db = build(site, office);
    expect(verdict(db, ask('https://support.example.com/office/365?a=b')).reason).toMatchObject({ indicatorId: office.id, expression: 'support.example.com/office' });
    expect(verdict(db, ask('https://support.example.com/windows')).reason).toMatchObject({ indicatorId: site.id });
  });

  it("overrides the feeds: the tenant's allow beats a feed's block", () => {
    const allow = indicator({ indicatorType: 'DomainName', indicatorValue: 'evil.example', action: 'Allowed' });
    expect(verdict(build(allow), ask('http://login.evil.example/'))).toMatchObject({ action: 'Allowed', reason: { kind: 'indicator' } });
  });

  it('stops applying an expired indicator', () => {
    const expiring = indicator({ indicatorType: 'DomainName', indicatorValue: 'temp.example', action: 'Block', expirationTime: '2026-06-01T12:00:00Z' });
    const db = build(expiring);
    expect(verdict(db, ask('http://temp.example/')).action).toBe('Block');
    expect(verdict(db, ask('http://temp.example/', { now: Date.parse('2026-06-01T12:00:00Z') })).action).toBe('None');
  });

  it('applies a group-scoped indicator only to devices in one of its groups', () => {
    const scoped = indicator({ indicatorType: 'DomainName', indicatorValue: 'games.example', action: 'Block', rbacGroupNames: ['Kiosks', 'Interns'] });
    const db = build(scoped);
    expect(verdict(db, ask('http://games.example/')).action).toBe('None');
    expect(verdict(db, ask('http://games.example/', { groups: ['Sales'] })).action).toBe('None');
    expect(verdict(db, ask('http://games.example/', { groups: ['Sales', 'Interns'] })).action).toBe('Block');
  });

  it('does not enforce IP indicators on iOS, and says so; enforces them elsewhere', () => {
    const ip = indicator({ indicatorType: 'IpAddress', indicatorValue: '203.0.113.7', action: 'Block' });
    const db = build(ip);
    for (const platform of ['ios', 'ipados'] as const) {
      expect(verdict(db, ask('http://203.0.113.7/x', { platform }))).toMatchObject({ action: 'None', notEnforced: [{ indicatorId: ip.id }] });
    }
    expect(verdict(db, ask('http://0xcb.0.0x71.7/x', { platform: 'linux' }))).toMatchObject({ action: 'Block', reason: { indicatorId: ip.id }, notEnforced: [] });
  });

  it('records Audit indicators and refuses invalid ones at build', () => {
    const audit = indicator({ indicatorType: 'DomainName', indicatorValue: 'watch.example', action: 'Audit' });
    const bad = indicator({ indicatorType: 'IpAddress', indicatorValue: '245.245.0.1', action: 'Block' });
    const { db, rejected } = buildThreatDb({ indicators: [audit, bad] });
    expect(verdict(db, ask('http://watch.example/')).audits).toMatchObject([{ indicatorId: audit.id }]);
    expect(rejected).toMatchObject([{ kind: 'indicator', index: 1, value: '245.245.0.1' }]);
  });

  it('uses only the domain of a URL indicator on a domain-only question', () => {
    const path = indicator({ indicatorType: 'Url', indicatorValue: 'https://x.example/admin', action: 'Block' });
    const db = build(path);
    expect(verdict(db, ask('https://x.example/admin/users')).action).toBe('Block');
    expect(verdict(db, ask('x.example', { visibility: 'domain-only' }))).toMatchObject({ action: 'None', domainOnly: true });
  });
});

describe('verdict: look-alikes', () => {
  const { db } = buildThreatDb({ feeds: [{ value: 'paypa1-support.example', source: 'allow', category: 'allowlist', action: 'Allowed' }], brands: [{ domain: 'paypal.com' }, { domain: 'metamask.io', tolerance: 2 }] });

  it.each([
    ['https://paypa1.com/signin', 'paypal.com'],
    ['https://www.paypai.com/', 'paypal.com'],
    ['https://xn--pypal-4ve.com/', 'paypal.com'],
    ['https://metarnask.io/', 'metamask.io'],
    ['https://www.metamaskk.co/', 'metamask.io'],
  ])('flags %s as a look-alike of %s', (url, brand) => {
    expect(verdict(db, ask(url))).toMatchObject({ action: 'Block', reason: { kind: 'lookalike', brand } });
  });

  it.each(['https://www.paypal.com/', 'https://paypal.com/', 'https://paypal.de/', 'https://metamask.com/', 'https://metamask.io/download', 'https://portfolio.metamask.io/', 'https://example.com/', 'https://paypa1-support.example/'])(
    'leaves %s alone',
    (url) => {
      expect(verdict(db, ask(url)).action).not.toBe('Block');
    },
  );

  it('tells the rule in the explanation', () => {
    expect(verdict(db, ask('https://xn--pypal-4ve.com/')).reason).toMatchObject({ rule: 'homoglyph' });
    expect(verdict(db, ask('https://paypai.com/')).reason).toMatchObject({ rule: 'edit-distance', distance: 1 });
  });
});
