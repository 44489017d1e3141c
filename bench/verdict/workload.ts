// Deterministic inputs for the verdict benchmark: real-looking registrable domains (some with
// subdomains) and a mixed stream of URLs, half on listed hosts, half not, with paths and queries.
import { seededRandom as random } from '../../src/agent/simulated-fleet.js';

const SYLLABLES = ['ka', 'lo', 'mi', 'net', 'sec', 'pay', 'log', 'in', 'ver', 'ify', 'acc', 'ount', 'shop', 'mail', 'web', 'cloud', 'tra', 'de', 'zo', 'ex', 'pro', 'fast', 'bit', 'coin', 'bank', 'up', 'date', 'on', 'line', 'star', 'max', 'go'];
const TLDS = ['com', 'com', 'com', 'net', 'org', 'io', 'xyz', 'top', 'info', 'ru', 'de', 'co.uk', 'shop', 'app', 'online', 'site', 'com.br'];
const SUBDOMAINS = ['login', 'secure', 'www', 'account', 'verify', 'mail', 'cdn', 'app'];
const PATHS = ['/', '/login', '/wp-admin/admin-ajax.php', '/signin/v2/identifier', '/account/verify.html', '/static/js/app.3f9a1c.js', '/images/logo.png', '/api/v1/session', '/index.php', '/secure/update/billing'];
const QUERIES = ['', '', '?id=12345', '?session=8f14e45fceea167a5a36dedd4bea2543&lang=en', '?utm_source=mail&utm_medium=link', '?q=test', '?redirect=%2Faccount%2Fhome'];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function name(rand: () => number): string {
  let out = '';
  const parts = 2 + Math.floor(rand() * 3);
  for (let i = 0; i < parts; i++) out += (i > 0 && rand() < 0.15 ? '-' : '') + pick(rand, SYLLABLES);
  return out + (rand() < 0.3 ? String(Math.floor(rand() * 1000)) : '');
}

function domain(rand: () => number): string {
  const base = `${name(rand)}.${pick(rand, TLDS)}`;
  return rand() < 0.2 ? `${pick(rand, SUBDOMAINS)}-${name(rand)}.${base}` : base;
}

/** `count` distinct listed domains. */
export function listedDomains(count: number, seed = 1): string[] {
  const rand = random(seed);
  const out = new Set<string>();
  while (out.size < count) out.add(domain(rand));
  return [...out];
}

export interface Query {
  url: string;
  listed: boolean;
}

/** `count` URLs, alternating listed and unlisted hosts in a shuffled order. */
export function queries(listed: readonly string[], count: number, seed = 2): Query[] {
  const rand = random(seed);
  const known = new Set(listed);
  const out: Query[] = [];
  const url = (host: string) => `https://${host}${pick(rand, PATHS)}${pick(rand, QUERIES)}`;
  while (out.length < count) {
    if (out.length % 2 === 0) {
      const host = pick(rand, listed);
      out.push({ url: url(rand() < 0.4 ? `${pick(rand, SUBDOMAINS)}.${host}` : host), listed: true });
    } else {
      let host = domain(rand);
      while (known.has(host)) host = domain(rand);
      // An unlisted host must not be under a listed one either.
      const labels = host.split('.');
      if (labels.some((_, i) => known.has(labels.slice(i).join('.')))) continue;
      out.push({ url: url(host), listed: false });
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  // URLs reach a matcher as flat strings read from the network; concatenated ones would make
  // every engine pay for flattening on first access.
  return JSON.parse(JSON.stringify(out)) as Query[];
}
