import { readFile } from 'node:fs/promises';
import { Agent, DeviceApiError, SimulatedIosDevice, parseScenario, runScenario, simulatedFleet, type ScenarioOutcome } from '../agent/index.js';
import { fetchTransport } from '../frontends/fetch-transport.js';
import { progress } from './progress.js';

export interface SimulateFlags {
  server: string;
  token: string;
  devices: string;
  seed: string;
  concurrency: string;
  scenario?: string;
  json?: boolean;
}

function positiveInt(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be a whole number from 1 to ${max}, not ${value}`);
  return n;
}

/** Enrolls N simulated iOS devices against a server and sends each a heartbeat (an app open). */
export async function simulateCommand(flags: SimulateFlags): Promise<number> {
  if (flags.scenario !== undefined) return scenarioCommand(flags.scenario, flags);
  const count = positiveInt('devices', flags.devices, 1_000_000);
  const concurrency = positiveInt('concurrency', flags.concurrency, 256);
  const seed = Number(flags.seed);
  const fleet = simulatedFleet(count, Number.isFinite(seed) ? seed : 1);
  const http = fetchTransport();
  const bar = progress('simulating devices', count);
  const refused = new Map<string, number>();
  let enrolled = 0;
  let heartbeats = 0;
  const started = Date.now();

  let next = 0;
  async function worker() {
    while (next < fleet.length) {
      const facts = fleet[next++]!;
      const device = new SimulatedIosDevice(facts, http);
      device.setTunnel('connected');
      const agent = new Agent({ adapter: device, serverUrl: flags.server, enrollmentToken: flags.token });
      try {
        await agent.ensureEnrolled();
        enrolled++;
        await agent.appOpened();
        heartbeats++;
      } catch (err) {
        const code = err instanceof DeviceApiError ? err.code : err instanceof Error ? err.message : String(err);
        refused.set(code, (refused.get(code) ?? 0) + 1);
      }
      bar.tick();
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  bar.stop();

  const seconds = (Date.now() - started) / 1000;
  const out = process.stdout;
  out.write(`Simulated ${count} devices against ${flags.server} in ${seconds.toFixed(1)} s\n`);
  out.write(`  enrolled:   ${enrolled}\n  heartbeats: ${heartbeats}\n`);
  for (const [code, n] of refused) out.write(`  failed (${code}): ${n}\n`);
  return refused.size > 0 ? 1 : 0;
}

async function scenarioCommand(file: string, flags: SimulateFlags): Promise<number> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read scenario ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const scenario = parseScenario(json);
  const out = process.stdout;
  const outcome = await runScenario(scenario, {
    serverUrl: flags.server,
    enrollmentToken: flags.token,
    transport: fetchTransport(),
    ...(flags.json ? {} : { log: (line: string) => out.write(`  ${line}\n`) }),
  });
  out.write(flags.json ? `${JSON.stringify(outcome, null, 2)}\n` : summary(outcome));
  return outcome.mismatches.length > 0 ? 1 : 0;
}

function summary(outcome: ScenarioOutcome): string {
  const counts = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => `${k}=${n}`).join(' ') || '-';
  const lines = [`Scenario "${outcome.name}": ${(outcome.virtualDurationMs / 3_600_000).toFixed(1)} h of virtual time`];
  for (const d of outcome.devices) {
    lines.push(`  ${d.id} (${d.deviceId ?? 'not enrolled'})`, `    delivered: ${counts(d.delivered)}`, `    notices:   ${counts(d.notices)}`, `    pending:   ${d.pending}`);
    for (const r of d.refused) lines.push(`    refused:   ${r}`);
  }
  lines.push(outcome.mismatches.length === 0 ? 'All expectations held.' : `Expectations not met:\n${outcome.mismatches.map((m) => `  ${m}`).join('\n')}`);
  return `${lines.join('\n')}\n`;
}
