// A DNS filter in a process of its own for tests that need another environment (a CA to trust):
// argv: upstream spec, blocked domain. Prints the port.
import { DnsFilter } from '../../src/frontends/dns/server.js';

const [upstream, blocked] = process.argv.slice(2);
const filter = new DnsFilter({
  host: '127.0.0.1',
  port: 0,
  upstreams: [upstream!],
  blockMode: 'nxdomain',
  decide: (name) => ({ block: name === blocked || name.endsWith(`.${blocked}`) }),
});
await filter.start();
process.stdout.write(`${filter.address().port}\n`);
process.on('SIGTERM', () => void filter.stop().then(() => process.exit(0)));
