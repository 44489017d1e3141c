import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, SimulatedIosDevice, simulatedFleet, type HttpTransport } from '../../src/agent/index.js';
import type { AppConfigPolicyView } from '../../src/protocol/index.js';
import { testApi, type TestApi, type TestTenant } from '../helpers/api.js';
import { backends } from '../helpers/storage.js';

const SERVER = 'http://bulwark.test';

describe.each(backends())('configuration delivery through the heartbeat on $name', (backend) => {
  let api: TestApi;
  let tenant: TestTenant;

  beforeAll(async () => {
    api = await testApi(backend);
    tenant = await api.tenant('Delivery');
  });
  afterAll(() => api.close());

  /** The agent's transport, answered by the app in-process through fastify inject. */
  const inject: HttpTransport = {
    async send(request) {
      const url = new URL(request.url);
      const res = await api.app.inject({ method: request.method, url: url.pathname + url.search, headers: request.headers, payload: request.body });
      return { status: res.statusCode, body: res.body };
    },
  };

  it('delivers a policy change to a simulated device, which then reports the new version; removing the tag removes it', async () => {
    const device = new SimulatedIosDevice({ ...simulatedFleet(1, 5)[0]!, management: 'mdm', authenticatorAccount: null }, inject);
    const agent = new Agent({ adapter: device, serverUrl: SERVER, enrollmentToken: tenant.enrollmentToken });
    await agent.appOpened();
    const first = agent.effectiveConfig!;
    expect(first.values.DefenderDeviceTag).toBeUndefined();

    const created = await api.call('POST', '/api/v1/app-config-policies', {
      token: tenant.adminToken,
      body: { channel: 'mdm', name: 'Tags', settings: [{ key: 'DefenderDeviceTag', value: 'Finance' }, { key: 'DefenderOpenNetworkDetection', value: '0' }], assignment: { allDevices: true } },
    });
    const policy = created.json<AppConfigPolicyView>();
    await agent.appOpened();
    const second = agent.effectiveConfig!;
    expect(second.version).not.toBe(first.version);
    expect(second.values).toMatchObject({ DefenderDeviceTag: 'Finance', DefenderOpenNetworkDetection: 0 });

    // The next heartbeat reports the version the agent now runs.
    await agent.appOpened();
    expect((await api.storage.getDevice(tenant.tenant.id, agent.deviceId!))!.configVersion).toBe(second.version);

    await api.call('PUT', `/api/v1/app-config-policies/${policy.id}`, {
      token: tenant.adminToken,
      body: { channel: 'mdm', name: 'Tags', settings: [{ key: 'DefenderOpenNetworkDetection', value: '0' }], assignment: { allDevices: true } },
    });
    await agent.appOpened();
    expect(agent.effectiveConfig!.values).not.toHaveProperty('DefenderDeviceTag');
    expect(agent.effectiveConfig!.version).not.toBe(second.version);
  });
});
