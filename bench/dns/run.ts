// DNS benchmark: dnsperf against Bulwark's DNS filter and against dnsmasq, in one run, with the
// same block list (hosts file for dnsmasq), the same query file (half blocked, half answered
// names) and the same upstream. Needs the Debian packages dnsperf and dnsmasq.
//   npm run bench:dns            full run (20 s per server)
//   npm run bench:dns -- --smoke  a few seconds per server, for CI
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { percentile, table } from '../lib/table.js';

const smoke = process.argv.includes('--smoke');
const seconds = smoke ? 3 : 20;
const BLOCKED = smoke ? 2_000 : 100_000;
const ANSWERED = 5_000;

for (const tool of ['dnsperf', 'dnsmasq']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.log(`SKIPPED: ${tool} is not installed (apt-get install dnsperf dnsmasq-base)`);
    process.exit(smoke ? 0 : 1);
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'bulwark-bench-dns-'));
const blocked = Array.from({ length: BLOCKED }, (_, i) => `bad${i}-${(i * 2654435761) % 99991}.phish.test`);
const answered = Array.from({ length: ANSWERED }, (_, i) => `site${i}.example.org`);
writeFileSync(path.join(dir, 'blocklist.txt'), blocked.join('\n'));
writeFileSync(path.join(dir, 'blocklist.hosts'), blocked.map((d) => `0.0.0.0 ${d}`).join('\n'));
// Alternate blocked and answered names, spread over both lists.
const queries: string[] = [];
for (let i = 0; i < 200_000; i++) queries.push(i % 2 ? `${answered[(i * 7919) % ANSWERED]} A` : `${blocked[(i * 104729) % BLOCKED]} A`);
writeFileSync(path.join(dir, 'queries.txt'), queries.join('\n'));

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));

async function startPrinting(args: string[]): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  return line.split(' ');
}

async function startDnsmasq(upstreamPort: number): Promise<number> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn('dnsmasq', [
    '--keep-in-foreground', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts',
    `--addn-hosts=${path.join(dir, 'blocklist.hosts')}`, `--server=127.0.0.1#${upstreamPort}`, '--cache-size=10000', '--user=root', '--pid-file=', '--log-facility=/dev/null',
  ], { stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => setTimeout(r, 1500));
  return port;
}

interface Result { qps: number; avgMs: number; p99Ms: number; lost: number; sent: number }

async function dnsperf(port: number, duration: number): Promise<Result> {
  const child = spawn('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', path.join(dir, 'queries.txt'), '-l', String(duration), '-c', '4', '-v'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const latencies: number[] = [];
  let summary = '';
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('> ')) {
      const latency = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(latency)) latencies.push(latency * 1000);
    } else summary += `${line}\n`;
  }
  latencies.sort((a, b) => a - b);
  const num = (re: RegExp) => Number(re.exec(summary)?.[1] ?? NaN);
  return {
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    p99Ms: percentile(latencies, 99),
    lost: num(/Queries lost:\s+(\d+)/),
    sent: num(/Queries sent:\s+(\d+)/),
  };
}

const upstreamPort = Number((await startPrinting(['bench/dns/upstream-process.ts']))[0]);
/** Bulwark twice: its default UDP path (batched recvmmsg where built) and Node's dgram. */
async function bulwark(io: string): Promise<[string, number]> {
  const [port, served] = await startPrinting(['bench/dns/filter-process.ts', path.join(dir, 'blocklist.txt'), String(upstreamPort), io]);
  return [`Bulwark DNS filter (${served})`, Number(port)];
}
const servers: Array<[string, number]> = [await bulwark('auto'), await bulwark('dgram'), ['dnsmasq (hosts file)', await startDnsmasq(upstreamPort)]];
const rows: Array<Array<string | number>> = [];
for (const [name, port] of servers) {
  await dnsperf(port, smoke ? 1 : 3); // warm the caches
  const r = await dnsperf(port, seconds);
  rows.push([name, Math.round(r.qps).toLocaleString('en-US'), r.avgMs.toFixed(3), r.p99Ms.toFixed(3), `${r.lost} of ${r.sent}`]);
}
console.log(`\nDNS filter benchmark: ${BLOCKED.toLocaleString('en-US')} blocked names, ${ANSWERED.toLocaleString('en-US')} answered names, ${seconds} s per server, dnsperf -c 4, ${queries.length.toLocaleString('en-US')}-line query file (half blocked)\n`);
table(['server', 'queries/s', 'avg ms', 'p99 ms', 'lost'], rows);
process.exit(0);
