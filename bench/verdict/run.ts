// Verdict benchmark: Bulwark against @ghostery/adblocker (rules `||domain^`) and a plain Set with
// a suffix walk, on the same domains and URLs, at 10k, 100k and 1M entries (--smoke: 10k only).
// Run: npm run bench:verdict (needs --expose-gc, which the npm script passes).
import { bulwark } from './engines/bulwark.js';
import type { Engine } from './engines/engine.js';
import { ghostery } from './engines/ghostery.js';
import { plainSet } from './engines/plain-set.js';
import { listedDomains, queries, type Query } from './workload.js';

const smoke = process.argv.includes('--smoke');
const sizes = smoke ? [10_000] : [10_000, 100_000, 1_000_000];
const queryCount = smoke ? 20_000 : 200_000;
const engines: Engine[] = [bulwark, ghostery, plainSet];

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:verdict does)');

function settle(): void {
  for (let i = 0; i < 3; i++) gc!();
}

function resident(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/** The cost of timing a call that does nothing, subtracted from every measured call. */
function timerOverhead(): number {
  const samples = new Float64Array(200_000);
  const noop = (s: string) => s.length > 1e9;
  for (let i = 0; i < samples.length; i++) {
    const t = process.hrtime.bigint();
    noop('x');
    samples[i] = Number(process.hrtime.bigint() - t);
  }
  return percentile(samples.sort(), 0.5);
}

interface Row {
  entries: number;
  engine: string;
  buildMs: number;
  bytes: number;
  bytesPerEntry: number;
  loadMs: number;
  medianUs: number;
  p99Us: number;
  blockedListed: number;
  blockedUnlisted: number;
}

function measure(engine: Engine, domains: readonly string[], workload: readonly Query[], overhead: number): Row {
  settle();
  let start = performance.now();
  const bytes = engine.build(domains);
  const buildMs = performance.now() - start;
  // Load several copies at small sizes, so that resident bytes are not lost in the heap's noise.
  const copies = Math.max(1, Math.min(20, Math.floor(1_000_000 / domains.length)));
  const matchers: ((url: string) => boolean)[] = [];
  const loadTimes: number[] = [];
  settle();
  const before = resident();
  for (let c = 0; c < copies; c++) {
    const input = bytes.slice(); // as read from disk: counted if the engine keeps it
    start = performance.now();
    matchers.push(engine.load(input));
    loadTimes.push(performance.now() - start);
  }
  settle();
  const residentBytes = (resident() - before) / copies;
  const loadMs = loadTimes.sort((x, y) => x - y)[Math.floor(copies / 2)] ?? NaN;
  const match = matchers[0]!;
  matchers.length = 0;

  for (const q of workload) match(q.url); // warm-up: let the JIT compile the match path
  const times = new Float64Array(workload.length);
  let blockedListed = 0;
  let blockedUnlisted = 0;
  workload.forEach((q, i) => {
    const t = process.hrtime.bigint();
    const blocked = match(q.url);
    times[i] = Number(process.hrtime.bigint() - t) - overhead;
    if (blocked && q.listed) blockedListed++;
    if (blocked && !q.listed) blockedUnlisted++;
  });
  times.sort();
  const listed = workload.filter((q) => q.listed).length;
  return {
    entries: domains.length,
    engine: engine.name,
    buildMs,
    bytes: bytes.length,
    bytesPerEntry: residentBytes / domains.length,
    loadMs,
    medianUs: Math.max(0, percentile(times, 0.5)) / 1000,
    p99Us: Math.max(0, percentile(times, 0.99)) / 1000,
    blockedListed: blockedListed / listed,
    blockedUnlisted: blockedUnlisted / (workload.length - listed),
  };
}

function table(rows: Row[], overhead: number): string {
  const fmt = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const lines = [
    '| entries | engine | build (ms) | serialised (MB) | resident (B/entry) | load (ms) | median (µs/URL) | p99 (µs/URL) | listed blocked | unlisted blocked |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) =>
      [
        fmt(r.entries, 0), r.engine, fmt(r.buildMs, 0), fmt(r.bytes / 1e6, 2), fmt(r.bytesPerEntry, 1), fmt(r.loadMs, 1),
        fmt(r.medianUs, 2), fmt(r.p99Us, 2), `${fmt(r.blockedListed * 100, 1)}%`, `${fmt(r.blockedUnlisted * 100, 2)}%`,
      ].join(' | '),
    ).map((line) => `| ${line} |`),
  ];
  return `${lines.join('\n')}\n\nNode ${process.version}, ${workloadNote}; resident bytes are heap plus array buffers after loading the serialised form (median load time of up to 20 copies at small sizes); per-URL times are single calls timed with process.hrtime.bigint(), minus the timer's own cost (${fmt(overhead, 0)} ns, measured in the same run).`;
}

const workloadNote = `${queryCount.toLocaleString('en-US')} URLs per size (half on listed hosts or their subdomains, half not; paths and queries)`;
const overhead = timerOverhead();
const rows: Row[] = [];
for (const size of sizes) {
  const domains = listedDomains(size);
  const workload = queries(domains, queryCount);
  for (const engine of engines) {
    const row = measure(engine, domains, workload, overhead);
    rows.push(row);
    process.stderr.write(`${size} ${engine.name}: done\n`);
  }
}
process.stdout.write(`${table(rows, overhead)}\n`);
