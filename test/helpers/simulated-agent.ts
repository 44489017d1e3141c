import { Agent, ManualClock, MemoryStorage, SimulatedIosDevice, type AgentOptions } from '../../src/agent/index.js';
import type { DeviceFacts } from '../../src/protocol/index.js';
import { FakeDeviceServer } from './fake-device-server.js';

export const T0 = Date.parse('2025-06-02T08:00:00Z');

export function iphone(overrides: Partial<DeviceFacts> = {}): DeviceFacts {
  return {
    platform: 'ios',
    osVersion: '18.5',
    model: 'iPhone16,2',
    supervised: false,
    management: 'mdm',
    userPrincipalName: 'alex@contoso.example',
    sharedDevice: false,
    agentVersion: '0.1.0',
    ...overrides,
  };
}

export interface Rig {
  server: FakeDeviceServer;
  clock: ManualClock;
  device: SimulatedIosDevice;
  agent: Agent;
  /** A new agent on the same device and storage: the app was killed and started again. */
  restart(): Agent;
}

/** A simulated iPhone with its agent, talking to an in-process fake server on virtual time. */
export function rig(options: { facts?: Partial<DeviceFacts>; config?: FakeDeviceServer['config']; agent?: Partial<AgentOptions> } = {}): Rig {
  const server = new FakeDeviceServer();
  server.config = options.config ?? {};
  const clock = new ManualClock(T0);
  const device = new SimulatedIosDevice(iphone(options.facts), server, clock, { storage: new MemoryStorage(), seed: 7 });
  const make = () => new Agent({ adapter: device, serverUrl: 'https://bulwark.test', enrollmentToken: 'bwe_test', ...options.agent });
  const r: Rig = { server, clock, device, agent: make(), restart: () => (r.agent = make()) };
  return r;
}
