// Bulwark's web proxy for the benchmark, in a process of its own, deciding as `bulwark agent`
// does: full-URL verdicts from a threat database of N listed domains through checkWeb.
import { checkWeb } from '../../src/agent/web-protection.js';
import { WebProxy } from '../../src/frontends/proxy/proxy.js';
import { buildThreatDb } from '../../src/verdict/index.js';

const entries = Number(process.argv[2] ?? 100_000);
const { db } = buildThreatDb({ feeds: Array.from({ length: entries }, (_, i) => ({ value: `bad${i}.phish.test`, source: 'bench', category: 'phishing' })) });
const context = { db, active: true, platform: 'linux' as const, groups: [] as string[] };
const proxy = new WebProxy({
  host: '127.0.0.1',
  port: 0,
  decide: ({ host, url }) => checkWeb(context, url ? { url, visibility: 'full-url' } : { url: host, visibility: 'domain-only' }, Date.now()),
});
await proxy.start();
process.stdout.write(`${proxy.address().port}\n`);
process.on('SIGTERM', () => void proxy.stop().then(() => process.exit(0)));
