// The shared upstream of the DNS benchmark, in a process of its own.
import { TestUpstream } from '../../test/helpers/dns-upstream.js';

const upstream = await new TestUpstream().start();
process.stdout.write(`${upstream.port}\n`);
process.on('SIGTERM', () => void upstream.stop().then(() => process.exit(0)));
