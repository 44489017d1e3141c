import { randomBytes, randomUUID } from 'node:crypto';
import type { WebhookCreate, WebhookCreated, WebhookDelivery, WebhookPayload, WebhookView } from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import { retryDelay, SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from '../secops/webhook-signing.js';
import type { StoredWebhook } from '../storage/webhooks.js';
import type { Storage } from '../storage/storage.js';
import type { Clock } from './auth.js';
import { isWebhookEvent, type SecOpsEvent, type SecOpsEvents } from './secops-events.js';

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
  /** Per attempt. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, maxMs: 60 * 60_000, maxAttempts: 8, timeoutMs: 10_000 };

function view(w: StoredWebhook): WebhookView {
  const { tenantId: _t, secret: _s, ...rest } = w;
  return rest;
}

function dataOf(e: Extract<SecOpsEvent, { type: WebhookPayload['type'] }>): unknown {
  switch (e.type) {
    case 'alert.created':
    case 'alert.updated':
      return { deviceId: e.deviceId, alert: e.alert };
    case 'risk.changed':
      return { deviceId: e.deviceId, previous: e.previous, risk: e.risk };
    case 'compliance.changed':
      return { deviceId: e.deviceId, compliance: e.compliance };
  }
}

/** Webhook subscriptions, and their signed, retried, logged deliveries. */
export class WebhookService {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
    events: SecOpsEvents,
    private readonly retry: RetryPolicy,
    private readonly log: (err: unknown) => void,
  ) {
    events.on((e) => {
      if (isWebhookEvent(e)) this.track(this.publish(e));
    });
  }

  async create(principal: Principal, input: WebhookCreate): Promise<WebhookCreated> {
    const admin = authorize(principal, 'webhooks:write');
    const hook: StoredWebhook = {
      id: randomUUID(),
      tenantId: admin.tenantId,
      url: input.url,
      events: [...new Set(input.events)],
      description: input.description ?? null,
      secret: `whsec_${randomBytes(24).toString('base64url')}`,
      createdAt: this.clock.now().toISOString(),
    };
    await this.store.insertWebhook(hook);
    return { ...view(hook), secret: hook.secret };
  }

  async list(principal: Principal): Promise<WebhookView[]> {
    const admin = authorize(principal, 'webhooks:read');
    return (await this.store.listWebhooks(admin.tenantId)).map(view);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const admin = authorize(principal, 'webhooks:write');
    if (!(await this.store.deleteWebhook(admin.tenantId, id))) throw new ApiError('not_found', `no webhook ${id}`);
  }

  async deliveries(principal: Principal, id: string): Promise<WebhookDelivery[]> {
    const admin = authorize(principal, 'webhooks:read');
    if (!(await this.store.listWebhooks(admin.tenantId)).some((w) => w.id === id)) throw new ApiError('not_found', `no webhook ${id}`);
    return (await this.store.listDeliveries(admin.tenantId, id, 200)).map(({ tenantId: _t, webhookId: _w, payload: _p, ...d }) => d);
  }

  /** Waits for deliveries in flight and cancels scheduled retries (server shutdown, tests). */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves once no attempt is running or scheduled (tests, with a short retry policy). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  private track(p: Promise<void>): void {
    const guarded = p.catch(this.log).finally(() => this.inFlight.delete(guarded));
    this.inFlight.add(guarded);
  }

  private async publish(e: Extract<SecOpsEvent, { type: WebhookPayload['type'] }>): Promise<void> {
    const hooks = (await this.store.listWebhooks(e.tenantId)).filter((w) => w.events.includes(e.type));
    if (hooks.length === 0) return;
    const payload: WebhookPayload = { id: randomUUID(), type: e.type, tenantId: e.tenantId, occurredAt: this.clock.now().toISOString(), data: dataOf(e) };
    const body = JSON.stringify(payload);
    await Promise.all(hooks.map((hook) => this.attempt(hook, payload, body, 1)));
  }

  private async attempt(hook: StoredWebhook, payload: WebhookPayload, body: string, attempt: number): Promise<void> {
    const now = this.clock.now();
    const timestamp = Math.floor(now.getTime() / 1000);
    let responseStatus: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Bulwark-Webhooks/1',
          'x-bulwark-event': payload.type,
          'x-bulwark-delivery': payload.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signPayload(hook.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
      responseStatus = res.status;
      await res.body?.cancel();
      if (res.status < 200 || res.status >= 300) error = `the receiver answered HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    const delay = error === null ? null : retryDelay(attempt, this.retry);
    await this.store.insertDelivery({
      id: randomUUID(),
      tenantId: hook.tenantId,
      webhookId: hook.id,
      eventId: payload.id,
      event: payload.type,
      payload: body,
      attempt,
      status: error === null ? 'delivered' : delay === null ? 'failed' : 'pending',
      responseStatus,
      error,
      createdAt: now.toISOString(),
      nextAttemptAt: delay === null ? null : new Date(now.getTime() + delay).toISOString(),
    });
    if (delay === null) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.attempt(hook, payload, body, attempt + 1));
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }
}
