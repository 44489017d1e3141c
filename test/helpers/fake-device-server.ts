import { DeviceReport, ReportBatch, type ConfigValue, type InventorySettings, type ReportBatchResult } from '../../src/protocol/index.js';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../src/agent/index.js';

/**
 * The device API as the agent sees it, in process: enrollment, heartbeats returning the
 * configuration the test sets, and `POST /api/v1/device/events` with the contract of
 * src/protocol/reports.ts (all-or-nothing batches, replays acknowledged as duplicates, invalid
 * reports listed by index). Switches make it go offline or lose its answers.
 */
export class FakeDeviceServer implements HttpTransport {
  config: Record<string, ConfigValue> = {};
  inventory: InventorySettings | undefined;
  latestOsVersion: string | undefined;
  statusIntervalSeconds = 900;
  /** No answer at all: the network is down. */
  online = true;
  /** Store the next N batches but lose the answer (the agent sees a network error). */
  loseAnswers = 0;
  /** Every request, as sent: what left the device. */
  readonly requests: HttpRequest[] = [];
  /** Reports stored per device, once each. */
  readonly stored = new Map<string, DeviceReport[]>();
  private readonly secrets = new Map<string, string>();
  private devices = 0;

  send(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    if (!this.online) return Promise.reject(new Error('network is unreachable'));
    const path = new URL(request.url).pathname;
    const body: unknown = request.body === undefined ? undefined : JSON.parse(request.body);
    if (path === '/api/v1/device/enroll') {
      const deviceId = `dev${++this.devices}`;
      const secret = `secret-${deviceId}`;
      this.secrets.set(secret, deviceId);
      this.stored.set(deviceId, []);
      return json(201, { deviceId, deviceSecret: secret, tenantId: 't1', enrolledAt: new Date(0).toISOString() });
    }
    const deviceId = this.secrets.get((request.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!deviceId) return json(401, { error: { code: 'unauthenticated', message: 'unknown device secret' } });
    if (path === '/api/v1/device/heartbeat') {
      return json(200, {
        serverTime: new Date(0).toISOString(),
        config: { version: JSON.stringify(this.config), values: this.config },
        statusIntervalSeconds: this.statusIntervalSeconds,
        ...(this.inventory ? { inventory: this.inventory } : {}),
        ...(this.latestOsVersion ? { latestOsVersion: this.latestOsVersion } : {}),
      });
    }
    if (path === '/api/v1/device/events') {
      const result = this.ingest(deviceId, ReportBatch.parse(body));
      if (this.loseAnswers > 0) {
        this.loseAnswers--;
        return Promise.reject(new Error('connection reset after the batch was stored'));
      }
      return json(200, result);
    }
    return json(404, { error: { code: 'not_found', message: path } });
  }

  private ingest(deviceId: string, batch: ReportBatch): ReportBatchResult {
    const store = this.stored.get(deviceId)!;
    const parsed = batch.reports.map((r) => DeviceReport.safeParse(r));
    const rejected = parsed.flatMap((p, index) => (p.success ? [] : [{ index, reason: p.error.message }]));
    if (rejected.length > 0) return { accepted: [], duplicates: [], rejected };
    const result: ReportBatchResult = { accepted: [], duplicates: [], rejected: [] };
    for (const p of parsed) {
      const report = p.data!;
      if (store.some((r) => r.id === report.id)) result.duplicates.push(report.id);
      else {
        store.push(report);
        result.accepted.push(report.id);
      }
    }
    return result;
  }

  /** Every report body that left the device, in order. */
  sentReports(): unknown[] {
    return this.requests.filter((r) => r.url.endsWith('/device/events')).flatMap((r) => (JSON.parse(r.body!) as ReportBatch).reports);
  }

  reportsOf(deviceId: string): DeviceReport[] {
    return this.stored.get(deviceId) ?? [];
  }
}

function json(status: number, body: unknown): Promise<HttpResponse> {
  return Promise.resolve({ status, body: JSON.stringify(body) });
}
