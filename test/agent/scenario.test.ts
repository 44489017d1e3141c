import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, scenarioJsonSchema } from '../../src/agent/index.js';
import { FakeDeviceServer } from '../helpers/fake-device-server.js';

const dir = new URL('../../examples/scenarios/', import.meta.url);
const examples = readdirSync(dir).filter((f) => f.endsWith('.json'));
const load = (file: string) => parseScenario(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));

describe('scenario format', () => {
  it('docs/scenario.schema.json is the generated schema (run `npm run docs:scenario-schema` after changing it)', () => {
    const shipped: unknown = JSON.parse(readFileSync(new URL('../../docs/scenario.schema.json', import.meta.url), 'utf8'));
    expect(shipped).toEqual(scenarioJsonSchema());
  });

  it('names the bad field and the step', () => {
    const bad = { name: 'x', start: '2025-01-01T00:00:00Z', devices: [{ id: 'a' }], steps: [{ at: '1 hour', device: 'b', action: 'app_open' }] };
    expect(() => parseScenario(bad)).toThrow(/steps\.0\.at: an offset[\s\S]*steps\.0\.device: no device named b/);
    expect(() => parseScenario({ ...bad, steps: [{ at: '1h', device: 'a', action: 'fly' }] })).toThrow(/steps\.0\.action/);
  });
});

describe('shipped example scenarios against an in-process server', () => {
  it.each(examples)('%s meets its expectations', async (file) => {
    const server = new FakeDeviceServer();
    const outcome = await runScenario(load(file), { serverUrl: 'http://fake.test', enrollmentToken: 'bwe_x', transport: server });
    expect(outcome.mismatches).toEqual([]);
    for (const device of outcome.devices) expect(server.reportsOf(device.deviceId!).length).toBe(Object.values(device.delivered).reduce((a, b) => a + b, 0));
  });

  it('virtual time: a two-day scenario takes no real time and events carry scenario times', async () => {
    const server = new FakeDeviceServer();
    const outcome = await runScenario(load('open-wifi-day.json'), { serverUrl: 'http://fake.test', enrollmentToken: 'bwe_x', transport: server });
    expect(outcome.virtualDurationMs).toBe(27 * 3_600_000);
    const times = server.reportsOf(outcome.devices[0]!.deviceId!).filter((r) => r.type.startsWith('open_network')).map((r) => r.occurredAt);
    expect(times).toEqual(['2025-06-02T08:00:00.000Z', '2025-06-02T08:30:00.000Z', '2025-06-03T09:00:00.000Z', '2025-06-03T10:00:00.000Z']);
  });

  it('a refused user action is part of the outcome, not a crash', async () => {
    const outcome = await runScenario(load('life-cycle.json'), { serverUrl: 'http://fake.test', enrollmentToken: 'bwe_x', transport: new FakeDeviceServer() });
    expect(outcome.devices.find((d) => d.id === 'sam')!.refused).toEqual([expect.stringMatching(/skip_vpn.*DefenderOptionalVPN/)]);
  });

  it('unmet expectations are reported', async () => {
    const scenario = load('jailbreak-offline.json');
    scenario.devices[0]!.expect = { delivered: { jailbreak: 2 } };
    const outcome = await runScenario(scenario, { serverUrl: 'http://fake.test', enrollmentToken: 'bwe_x', transport: new FakeDeviceServer() });
    expect(outcome.mismatches).toEqual(['tinkerer delivered jailbreak: expected 2, got 1']);
  });
});
