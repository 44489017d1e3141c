// Real lists, not only synthetic ones: the eth-phishing-detect package's block, allow and fuzzy
// lists, and the 500 most linked domains of the top-sites package.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildThreatDb, DEFAULT_BRANDS, verdict, type FeedEntry } from '../../src/verdict/index.js';
import { ask } from './helpers.js';

const require = createRequire(import.meta.url);
const eth = require('eth-phishing-detect/src/config.json') as { blacklist: string[]; whitelist: string[]; fuzzylist: string[]; tolerance: number };
const topSites = (require('top-sites') as { rootDomain: string }[]).map((site) => site.rootDomain);

const feeds: FeedEntry[] = [
  ...eth.blacklist.map((value) => ({ value, source: 'eth-phishing-detect', category: 'phishing' })),
  ...eth.whitelist.map((value) => ({ value, source: 'eth-phishing-detect', category: 'allowlist', action: 'Allowed' as const })),
];
const brands = [...DEFAULT_BRANDS, ...eth.fuzzylist.map((domain) => ({ domain, tolerance: eth.tolerance }))];
const { db, rejected } = buildThreatDb({ feeds, brands });

describe('eth-phishing-detect and top-sites', () => {
  it('takes every list entry', () => {
    expect(eth.blacklist.length).toBeGreaterThan(1000);
    expect(rejected).toEqual([]);
  });

  // A few domains are on both lists; for one target Allowed wins, as eth-phishing-detect's own allowlist-first check does.
  const onBoth = new Set(eth.blacklist.filter((domain) => eth.whitelist.includes(domain)));

  it('allows the domains that are on both lists, and says why', () => {
    expect(onBoth.size).toBeLessThan(10);
    for (const domain of onBoth) expect(verdict(db, ask(`https://${domain}/`))).toMatchObject({ action: 'Allowed', reason: { category: 'allowlist' } });
  });

  it('blocks every other domain of the block list and its subdomains, on full URLs and domain-only', () => {
    const missed: string[] = [];
    for (const domain of eth.blacklist.filter((d) => !onBoth.has(d))) {
      for (const question of [ask(`https://${domain}/wallet/connect?x=1`), ask(`login.${domain}`, { visibility: 'domain-only' })]) {
        if (verdict(db, question).action !== 'Block') missed.push(question.url);
      }
    }
    expect(missed).toEqual([]);
  });

  it('blocks none of the allow list', () => {
    const blocked = eth.whitelist.filter((domain) => verdict(db, ask(`https://${domain}/`)).action === 'Block');
    expect(blocked).toEqual([]);
  });

  it('flags none of the 500 top sites, look-alike detection included', () => {
    expect(topSites).toHaveLength(500);
    const flagged = topSites.filter((domain) => ['Block', 'Warn'].includes(verdict(db, ask(`https://${domain}/`)).action));
    expect(flagged).toEqual([]);
  });

  it('still catches look-alikes of the fuzzy list that no list names', () => {
    for (const [host, brand] of [['myetherwa1let.org', 'myetherwallet.com'], ['etherscaan.io', 'etherscan.io'], ['opensae.io', 'opensea.io']] as const) {
      expect(eth.blacklist).not.toContain(host);
      expect(verdict(db, ask(`https://${host}/`))).toMatchObject({ action: 'Block', reason: { kind: 'lookalike', brand } });
    }
  });
});
