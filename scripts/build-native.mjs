// Builds native/udp-batch, the DNS filter's batched UDP path (recvmmsg/sendmmsg), with node-gyp.
// Run by `npm install`/`npm ci` and by `npm run build:native`. It is optional: where it cannot be
// built (not Linux, no compiler) the filter serves UDP through Node's dgram, 2-3x slower, and
// `bulwark agent` says so when it starts. This script never fails the install.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const dir = path.join(import.meta.dirname, '..', 'native', 'udp-batch');
if (process.platform !== 'linux') {
  console.log(`udp-batch: not built (recvmmsg is Linux only); the DNS filter will use Node's dgram`);
  process.exit(0);
}
// npm gives lifecycle scripts the path of its own node-gyp; outside npm, take node-gyp from PATH.
const gyp = process.env.npm_config_node_gyp;
const [command, args] = gyp ? [process.execPath, [gyp, 'rebuild']] : ['node-gyp', ['rebuild']];
const started = Date.now();
const result = spawnSync(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (result.status === 0) {
  console.log(`udp-batch: built in ${((Date.now() - started) / 1000).toFixed(1)} s (batched UDP for the DNS filter)`);
} else {
  const why = result.error ? result.error.message : (result.stderr ?? '').trim().split('\n').slice(-15).join('\n');
  console.warn(`udp-batch: build failed; the DNS filter will use Node's dgram (slower). To retry: npm run build:native\n${why}`);
}
