// access/evaluate under load against a tenant of many devices, with autocannon.
// Usage: npx tsx bench/access/run.ts [--smoke] [--devices N] [--seconds S] [--connections C] [--rate R] [--profile DIR]
// The server is a real `bulwark serve` in a child process, so the load generator does not share
// its event loop; --profile DIR runs it under `node --cpu-prof` and leaves the profile in DIR.
// BENCH_NODE_FLAGS='--trace-gc ...' passes flags to the server's node (to look into pauses); what
// the server prints after it listens goes to stderr.
// Peers measured in the same run: /healthz (fastify + one trivial DB ping: the floor) and
// GET /devices/{id} (a read that queries the database per call: what evaluation avoids).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { AppProtectionPolicyInput } from '../../src/protocol/index.js';
import { createApiToken } from '../../src/server/services/auth.js';
import { createTenant } from '../../src/server/services/provisioning.js';
import { openDatabase } from '../../src/server/storage/db.js';
import { openStorage } from '../../src/server/storage/storage.js';
import { paced } from './paced.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const smoke = args.includes('--smoke');
const DEVICES = flag('devices', smoke ? 2_000 : 100_000);
const SECONDS = flag('seconds', smoke ? 2 : 10);
const CONNECTIONS = flag('connections', smoke ? 10 : 50);
/** The target load of the issue: p99 at this fixed rate, besides the saturation figures. */
const RATE = flag('rate', smoke ? 1_000 : 5_000);
const PROFILE = args.includes('--profile') ? path.resolve(args[args.indexOf('--profile') + 1] ?? 'profiles') : undefined;
const ROOT = path.resolve(import.meta.dirname, '../..');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulwark-bench-'));
const file = path.join(dir, 'bench.db');

async function seed(): Promise<{ token: string; ids: string[] }> {
  const storage = await openStorage(file);
  const now = new Date();
  const { tenant } = await createTenant(storage, { name: 'Bench', adminEmail: 'bench@bench.example' }, now);
  const { token } = await createApiToken(storage, tenant.id, { name: 'bench', role: 'analyst' }, now);
  // A stored "max Low" app protection policy for every device, read as the server reads it.
  const policy = AppProtectionPolicyInput.parse({ name: 'Max Low', maxThreatLevel: 'low', action: 'block', assignment: { allDevices: true } });
  const { name, assignment, ...body } = policy;
  await storage.createPolicy({ id: randomUUID(), tenantId: tenant.id, kind: 'app_protection', name, body, assignment, createdAt: now.toISOString(), updatedAt: now.toISOString() });
  await storage.close();
  // Rows go in directly, in large batches: enrolling 100k devices through the API would take minutes.
  const { db } = openDatabase(file);
  const ids: string[] = [];
  const at = now.toISOString();
  const levels = ['Secured', 'Secured', 'Secured', 'Low', 'Medium', 'High'] as const;
  for (let start = 0; start < DEVICES; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, DEVICES - start) }, () => randomUUID());
    ids.push(...batch);
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('devices')
        .values(
          batch.map((id, i) => ({
            id,
            tenant_id: tenant.id,
            secret_hash: 'x',
            enrollment_token_id: 'bench',
            platform: 'ios',
            os_version: '17.5',
            os_build: null,
            model: 'iPhone15,2',
            device_name: null,
            serial_number: null,
            supervised: 0,
            management: 'mam',
            user_principal_name: `user${start + i}@bench.example`,
            authenticator_account: null,
            shared_device: 0,
            agent_version: '0.1.0',
            enrolled_at: at,
            last_seen_at: at,
            protection: null,
            config_version: null,
          })),
        )
        .execute();
      await tx
        .insertInto('device_security')
        .values(
          batch.map((id, i) => {
            const level = levels[(start + i) % levels.length]!;
            return { tenant_id: tenant.id, device_id: id, risk_level: level, risk_explanation: JSON.stringify({ level, reasons: [], activeAlerts: 0, computedAt: at }), jailbroken: 0, compliant: null, apps: null, app_scope: null, inventory_at: null, updated_at: at };
          }),
        )
        .execute();
    });
  }
  await db.destroy();
  return { token, ids };
}

/** `bulwark serve` on the seeded database, in its own process; resolves with its URL once it listens. */
async function serve(): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const node = [...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : []), ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [])];
  const serve = [...node, path.join(ROOT, 'bin/bulwark.js'), 'serve', '--port', '0', '--db', file, '--log-level', 'warn'];
  // V8's traces (--trace-gc) go to stdout, fully buffered into a pipe: stdbuf makes them line by line.
  const [command, argv] = process.env.BENCH_NODE_FLAGS ? ['stdbuf', ['-oL', process.execPath, ...serve]] : [process.execPath, serve];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const read = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (!m) return;
      resolve(m[1]!);
      // Whatever the server prints from now on (traces asked for with BENCH_NODE_FLAGS) goes to stderr.
      child.stdout.off('data', read);
      child.stdout.pipe(process.stderr);
    };
    child.stdout.on('data', read);
    child.on('close', (code) => reject(new Error(`bulwark serve exited with ${code}: ${out}`)));
  });
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Row {
  name: string;
  p50: number;
  p99: number;
  rps: number;
  errors: number;
}

async function measure(name: string, url: string, options: Partial<autocannon.Options>): Promise<Row> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...options });
  return { name, p50: result.latency.p50, p99: result.latency.p99, rps: Math.round(result.requests.average), errors: result.errors + result.non2xx };
}

async function main() {
  const seeded = Date.now();
  const { token, ids } = await seed();
  const server = await serve();
  const base = server.url;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
  // Warm: the first evaluation loads the tenant's posture index.
  const warm = Date.now();
  await fetch(`${base}/api/v1/access/evaluate`, { method: 'POST', headers, body: JSON.stringify({ deviceId: ids[0], app: 'com.example.mail' }) });
  const loadMs = Date.now() - warm;

  const rows: Row[] = [];
  rows.push(await measure('GET /healthz (floor)', `${base}/healthz`, {}));
  const evaluate: Partial<autocannon.Options> = {
    method: 'POST',
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ deviceId: pick(), app: 'com.example.mail' }) }) }],
  };
  rows.push(await measure('POST /access/evaluate (saturated)', `${base}/api/v1/access/evaluate`, evaluate));
  rows.push(await measure(`POST /access/evaluate @ ${RATE} req/s (autocannon overallRate: bursts)`, `${base}/api/v1/access/evaluate`, { ...evaluate, overallRate: RATE }));
  // The same rate over fewer connections: each burst queues fewer requests at once.
  const few = Math.max(1, Math.round(CONNECTIONS / 5));
  rows.push(await measure(`POST /access/evaluate @ ${RATE} req/s, ${few} connections (autocannon overallRate)`, `${base}/api/v1/access/evaluate`, { ...evaluate, overallRate: RATE, connections: few }));
  const steady = await paced(base, RATE, SECONDS, () => ({ method: 'POST', path: '/api/v1/access/evaluate', headers, body: JSON.stringify({ deviceId: pick(), app: 'com.example.mail' }) }));
  rows.push({ name: `POST /access/evaluate @ ${RATE} req/s (paced, open loop; max ${steady.max} ms, sent late p99 ${steady.lateP99} ms)`, ...steady });
  rows.push(await measure('GET /devices/{id} (DB per call)', `${base}/api/v1/devices/${ids[0]}`, { headers, requests: [{ setupRequest: (req) => ({ ...req, path: `/api/v1/devices/${pick()}` }) }] }));
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });

  process.stdout.write(`access/evaluate benchmark: ${DEVICES} devices (seeded in ${((warm - seeded) / 1000).toFixed(1)} s, index loaded in ${loadMs} ms), ${CONNECTIONS} connections, ${SECONDS} s each, SQLite, server (bulwark serve) and load generator in separate processes\n\n`);
  process.stdout.write('| endpoint | p50 ms | p99 ms | req/s | errors |\n|---|---:|---:|---:|---:|\n');
  for (const r of rows) process.stdout.write(`| ${r.name} | ${r.p50} | ${r.p99} | ${r.rps} | ${r.errors} |\n`);
  if (rows.slice(1, 5).some((r) => r.errors > 0)) {
    process.stderr.write('access/evaluate returned errors\n');
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
