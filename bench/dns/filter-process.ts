// Bulwark's DNS filter for the benchmark, in a process of its own: block list file, upstream port,
// UDP path (auto, recvmmsg or dgram). Prints its port and the UDP path it serves with.
// It decides as `bulwark agent` does: a threat database built from the list, asked through the
// agent core's checkWeb with domain-only visibility.
import { readFileSync } from 'node:fs';
import { checkWeb } from '../../src/agent/web-protection.js';
import { DnsFilter } from '../../src/frontends/dns/server.js';
import type { UdpIo } from '../../src/frontends/dns/udp.js';
import { buildThreatDb } from '../../src/verdict/index.js';

const [listFile, upstreamPort, io = 'auto'] = process.argv.slice(2);
const entries = readFileSync(listFile!, 'utf8').split('\n').filter(Boolean);
const { db } = buildThreatDb({ feeds: entries.map((value) => ({ value, source: 'bench', category: 'phishing' })) });
const context = { db, active: true, platform: 'linux' as const, groups: [] as string[] };
const filter = new DnsFilter({
  host: '127.0.0.1',
  port: 0,
  upstreams: [`127.0.0.1:${upstreamPort}`],
  decide: (name) => ({ block: checkWeb(context, { url: name, visibility: 'domain-only' }, Date.now()).action === 'block' }),
  blockMode: 'address',
  udpIo: io as UdpIo,
});
await filter.start();
process.stdout.write(`${filter.address().port} ${filter.udpIo}\n`);
process.on('SIGTERM', () => void filter.stop().then(() => process.exit(0)));
