// One load run against a running server, in a process of its own: the generator's heap holds
// nothing but the device ids, so the benchmark's seeding garbage and its other runs cannot pause
// it. run.ts starts it once per row with a JSON spec as the only argument and reads one JSON line.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { z } from 'zod';
import { paced, type PacedRequest } from './paced.js';

export const LoadSpec = z.object({
  generator: z.enum(['autocannon', 'paced']),
  base: z.url(),
  /** healthz: GET /healthz; evaluate: POST access/evaluate for a random device; device: GET /devices/{random id}. */
  target: z.enum(['healthz', 'evaluate', 'device']),
  token: z.string(),
  idsFile: z.string(),
  seconds: z.number().positive(),
  connections: z.number().int().positive(),
  /** Requests per second; absent: as fast as the connections go (autocannon only). */
  rate: z.number().int().positive().optional(),
});
export type LoadSpec = z.infer<typeof LoadSpec>;

export const LoadResult = z.object({ p50: z.number(), p99: z.number(), max: z.number(), rps: z.number(), errors: z.number(), lateP99: z.number().optional() });
export type LoadResult = z.infer<typeof LoadResult>;

/** Seconds of the same load, unmeasured, before each run: a fresh generator's first requests run cold code. */
const WARM_UP_SECONDS = 1;

async function run(spec: LoadSpec): Promise<LoadResult> {
  const ids = fs.readFileSync(spec.idsFile, 'utf8').split('\n');
  const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
  const headers = { authorization: `Bearer ${spec.token}`, 'content-type': 'application/json' };
  const next = (): PacedRequest =>
    spec.target === 'healthz'
      ? { method: 'GET', path: '/healthz', headers: {} }
      : spec.target === 'device'
        ? { method: 'GET', path: `/api/v1/devices/${pick()}`, headers }
        : { method: 'POST', path: '/api/v1/access/evaluate', headers, body: JSON.stringify({ deviceId: pick(), app: 'com.example.mail' }) };

  if (spec.generator === 'paced') {
    const rate = spec.rate;
    if (!rate) throw new Error('the paced generator needs a rate');
    await paced(spec.base, rate, WARM_UP_SECONDS, next);
    return paced(spec.base, rate, spec.seconds, next);
  }
  const first = next();
  const cannon = (duration: number) =>
    autocannon({
      url: `${spec.base}${first.path}`,
      method: first.method,
      headers: first.headers,
      connections: spec.connections,
      duration,
      ...(spec.rate ? { overallRate: spec.rate } : {}),
      requests: [{ setupRequest: (req) => ({ ...req, ...next() }) }],
    });
  await cannon(WARM_UP_SECONDS);
  const result = await cannon(spec.seconds);
  return { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, rps: Math.round(result.requests.average), errors: result.errors + result.non2xx };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(LoadSpec.parse(JSON.parse(process.argv[2] ?? 'null')))
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    });
}
