import { Pool } from 'undici';
import { percentile } from '../lib/table.js';

export interface PacedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PacedResult {
  p50: number;
  p99: number;
  max: number;
  /** How late the generator itself sent requests (its timer granularity), at the 99th percentile. */
  lateP99: number;
  rps: number;
  errors: number;
}

/**
 * Open-loop load at a fixed rate. autocannon's `overallRate` lets each connection send its whole
 * per-second quota back to back and then idle, so its "fixed rate" is a burst at saturation once a
 * second. Here request i is due at start + i/rate and is sent then (on a 1 ms timer) whether or
 * not earlier ones have answered, so a stall of the server cannot slow the load down (no
 * coordinated omission). Latency counts from the send; how late the generator sent is reported
 * apart. Milliseconds with microsecond resolution.
 */
export async function paced(base: string, rate: number, seconds: number, next: () => PacedRequest): Promise<PacedResult> {
  // undici: Node's own http client cannot send 5,000 requests a second from one core.
  const pool = new Pool(base, { connections: 128 });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const lateness: number[] = [];
  let errors = 0;
  let sent = 0;
  const start = performance.now();

  const send = async (due: number) => {
    const r = next();
    const at = performance.now();
    lateness.push(at - due);
    try {
      const res = await pool.request({ method: r.method, path: r.path, headers: r.headers, body: r.body });
      await res.body.dump();
      latencies.push(performance.now() - at);
      if (res.statusCode !== 200) errors++;
    } catch {
      errors++;
    }
  };

  const inFlight: Array<Promise<void>> = [];
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / rate <= now) inFlight.push(send(start + (sent++ * 1000) / rate));
      if (sent < total) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  const ms = (v: number) => Math.round(v * 100) / 100;
  return { p50: ms(percentile(latencies, 50)), p99: ms(percentile(latencies, 99)), max: ms(latencies.at(-1) ?? NaN), lateP99: ms(percentile(lateness, 99)), rps: Math.round(latencies.length / elapsed), errors };
}
