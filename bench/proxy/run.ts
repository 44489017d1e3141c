// Web proxy throughput: autocannon against a local origin directly and through Bulwark's proxy
// (absolute-form requests, as browsers send them to a proxy), in one run, each server in its own
// process. Also the block page rate (listed URLs answered by the proxy itself).
//   npm run bench:proxy            10 s per row
//   npm run bench:proxy -- --smoke  2 s per row, for CI
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { table } from '../lib/table.js';

const smoke = process.argv.includes('--smoke');
const seconds = smoke ? 2 : 10;
const connections = smoke ? 10 : 50;
const entries = smoke ? 10_000 : 100_000;
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));

async function start(script: string, ...args: string[]): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return Number(await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve)));
}

async function load(url: string, path: string): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, requests: [{ method: 'GET', path }] });
}

const origin = await start('bench/proxy/origin-process.ts');
const proxy = await start('bench/proxy/proxy-process.ts', String(entries));
const direct = `http://127.0.0.1:${origin}`;
const viaProxy = `http://127.0.0.1:${proxy}`;
await load(direct, '/'); // warm-up
const rows: Array<[string, autocannon.Result]> = [
  ['direct to the origin', await load(direct, '/page')],
  ['through Bulwark proxy (allowed)', await load(viaProxy, `${direct}/page?q=1`)],
  ['through Bulwark proxy (blocked: block page)', await load(viaProxy, 'http://bad42.phish.test/login')],
];
console.log(`\nWeb proxy benchmark: ${entries.toLocaleString('en-US')} listed domains, ${connections} connections, ${seconds} s per row, 1 KiB origin page\n`);
table(
  ['path', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx'],
  rows.map(([name, r]) => [name, Math.round(r.requests.average).toLocaleString('en-US'), r.latency.p50, r.latency.p99, r.errors, r.non2xx]),
);
process.exit(0);
