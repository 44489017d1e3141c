// Bulwark's DNS filter for the benchmark, in a process of its own: block list file, upstream port.
import { readFileSync } from 'node:fs';
import { DnsFilter } from '../../src/frontends/dns/server.js';
import { domainListDecider } from './decider.js';

const [listFile, upstreamPort] = process.argv.slice(2);
const decide = domainListDecider(readFileSync(listFile!, 'utf8').split('\n').filter(Boolean));
const filter = new DnsFilter({ host: '127.0.0.1', port: 0, upstreams: [`127.0.0.1:${upstreamPort}`], decide, blockMode: 'address' });
await filter.start();
process.stdout.write(`${filter.address().port}\n`);
process.on('SIGTERM', () => void filter.stop().then(() => process.exit(0)));
