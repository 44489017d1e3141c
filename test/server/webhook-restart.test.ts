import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookCreated, WebhookDelivery } from '../../src/protocol/index.js';
import { testApi, type TestApi } from '../helpers/api.js';
import { enrolledDevice, reportId } from '../helpers/secops.js';
import { backends } from '../helpers/storage.js';

/** A receiver that answers 503 to the first `failures` requests, then 204. */
async function flakyReceiver(failures: number) {
  const received: string[] = [];
  let calls = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (++calls <= failures) return res.writeHead(503).end();
      received.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    calls: () => calls,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe.each(backends())('webhook retries across a restart on $name', (backend) => {
  let api: TestApi;

  beforeAll(async () => {
    // Long enough that the first app is closed before the retry is due.
    api = await testApi(backend, undefined, { webhookRetry: { baseMs: 400, maxMs: 400, maxAttempts: 3, timeoutMs: 2000 } });
  });
  afterAll(() => api.close());

  it('keeps the pending retry in the delivery log and makes it after the server is rebuilt', async () => {
    const receiver = await flakyReceiver(1);
    try {
      const tenant = await api.tenant('Restart');
      const hook = (await api.call('POST', '/api/v1/webhooks', { token: tenant.adminToken, body: { url: receiver.url, events: ['alert.created'] } })).json<WebhookCreated>();
      const deliveries = async () =>
        (await api.call('GET', `/api/v1/webhooks/${hook.id}/deliveries`, { token: tenant.analystToken })).json<WebhookDelivery[]>().map((d) => [d.attempt, d.status, d.responseStatus]);
      const device = await enrolledDevice(api, tenant);
      await device.send([{ id: reportId(), occurredAt: new Date().toISOString(), type: 'jailbreak', failedChecks: ['suspicious_files'], score: 10 }]);

      // Wait for the first attempt to fail and the second to be written, not made.
      for (let i = 0; i < 200 && receiver.calls() < 1; i++) await new Promise((r) => setTimeout(r, 5));
      for (let i = 0; i < 200 && (await deliveries()).length < 2; i++) await new Promise((r) => setTimeout(r, 5));
      expect(await deliveries()).toEqual([
        [2, 'pending', null],
        [1, 'failed', 503],
      ]);

      await api.restart();
      expect(receiver.received).toHaveLength(0);
      await api.app.services.webhooks.settled();

      expect(receiver.calls()).toBe(2);
      expect(JSON.parse(receiver.received[0]!)).toMatchObject({ type: 'alert.created', data: { deviceId: device.deviceId, alert: { category: 'Jailbreak' } } });
      expect(await deliveries()).toEqual([
        [2, 'delivered', 204],
        [1, 'failed', 503],
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('lets one worker claim a pending attempt, once', async () => {
    const tenant = await api.tenant('Claims');
    const hook = (await api.call('POST', '/api/v1/webhooks', { token: tenant.adminToken, body: { url: 'http://127.0.0.1:9/x', events: ['risk.changed'] } })).json<WebhookCreated>();
    const due = '2025-06-01T08:00:00.000Z';
    await api.storage.insertDelivery({
      id: 'd-1',
      tenantId: tenant.tenant.id,
      webhookId: hook.id,
      eventId: 'e-1',
      event: 'risk.changed',
      payload: '{}',
      attempt: 1,
      status: 'pending',
      responseStatus: null,
      error: null,
      createdAt: due,
      nextAttemptAt: due,
    });
    expect((await api.storage.pendingDeliveries(tenant.tenant.id)).map((d) => d.id)).toEqual(['d-1']);
    const lease = '2025-06-01T08:00:20.000Z';
    const claims = await Promise.all([api.storage.claimDelivery(tenant.tenant.id, 'd-1', due, lease), api.storage.claimDelivery(tenant.tenant.id, 'd-1', due, lease)]);
    expect(claims.sort()).toEqual([false, true]);
    expect(await api.storage.claimDelivery('another-tenant', 'd-1', lease, lease)).toBe(false);
    expect((await api.storage.pendingDeliveries(tenant.tenant.id))[0]?.nextAttemptAt).toBe(lease);
  });
});
