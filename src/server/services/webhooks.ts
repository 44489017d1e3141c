import { randomBytes, randomUUID } from 'node:crypto';
import type { WebhookCreate, WebhookCreated, WebhookDelivery, WebhookPayload, WebhookView } from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import { retryDelay, SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from '../secops/webhook-signing.js';
import type { StoredDelivery, StoredWebhook } from '../storage/webhooks.js';
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

/**
 * Webhook subscriptions, and their signed, retried, logged deliveries. The delivery log is the
 * retry state: every attempt is a row written `pending` with its due time before it is made, so
 * a restarted server picks up where the last one stopped (`resume`).
 */
export class WebhookService {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

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

  /** Schedules every attempt a previous run left pending (server start). */
  async resume(): Promise<void> {
    for (const tenant of await this.store.listTenants()) {
      for (const d of await this.store.pendingDeliveries(tenant.id)) this.schedule(d);
    }
  }

  /** Waits for deliveries in flight and cancels scheduled attempts, which stay pending in the log. */
  async close(): Promise<void> {
    this.closed = true;
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
    const now = this.clock.now().toISOString();
    const payload: WebhookPayload = { id: randomUUID(), type: e.type, tenantId: e.tenantId, occurredAt: now, data: dataOf(e) };
    const body = JSON.stringify(payload);
    const first = hooks.map((hook) => pendingAttempt({ tenantId: hook.tenantId, webhookId: hook.id, eventId: payload.id, event: payload.type, payload: body }, 1, now, now));
    await this.store.transaction(async (tx) => {
      for (const d of first) await tx.insertDelivery(d);
    });
    await Promise.all(first.map((d) => this.run(d)));
  }

  private schedule(d: StoredDelivery): void {
    if (this.closed) return;
    const due = d.nextAttemptAt === null ? 0 : Date.parse(d.nextAttemptAt);
    const delay = Math.max(0, due - this.clock.now().getTime());
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.run(d));
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  /** Makes one pending attempt: claims it, posts it, records the outcome and writes the next attempt if one is due. */
  private async run(d: StoredDelivery): Promise<void> {
    const now = this.clock.now();
    // Long enough for the attempt to finish; a worker that dies leaves it due when this ends.
    const lease = new Date(now.getTime() + 2 * this.retry.timeoutMs).toISOString();
    if (d.nextAttemptAt === null || !(await this.store.claimDelivery(d.tenantId, d.id, d.nextAttemptAt, lease))) return;
    // A deleted subscription takes its log with it; nothing left to deliver.
    const hook = (await this.store.listWebhooks(d.tenantId)).find((w) => w.id === d.webhookId);
    if (!hook) return;
    const { responseStatus, error } = await this.post(hook, d, now);
    const delay = error === null ? null : retryDelay(d.attempt, this.retry);
    const next = delay === null ? null : pendingAttempt(d, d.attempt + 1, now.toISOString(), new Date(now.getTime() + delay).toISOString());
    await this.store.transaction(async (tx) => {
      await tx.updateDelivery(d.tenantId, d.id, { status: error === null ? 'delivered' : 'failed', responseStatus, error, nextAttemptAt: null });
      if (next) await tx.insertDelivery(next);
    });
    if (next) this.schedule(next);
  }

  private async post(hook: StoredWebhook, d: StoredDelivery, now: Date): Promise<{ responseStatus: number | null; error: string | null }> {
    const timestamp = Math.floor(now.getTime() / 1000);
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Bulwark-Webhooks/1',
          'x-bulwark-event': d.event,
          'x-bulwark-delivery': d.eventId,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signPayload(hook.secret, timestamp, d.payload),
        },
        body: d.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
      await res.body?.cancel();
      return { responseStatus: res.status, error: res.status >= 200 && res.status < 300 ? null : `the receiver answered HTTP ${res.status}` };
    } catch (err) {
      return { responseStatus: null, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  }
}

/** A log row for an attempt still to be made. */
function pendingAttempt(of: Pick<StoredDelivery, 'tenantId' | 'webhookId' | 'eventId' | 'event' | 'payload'>, attempt: number, createdAt: string, due: string): StoredDelivery {
  const { tenantId, webhookId, eventId, event, payload } = of;
  return { id: randomUUID(), tenantId, webhookId, eventId, event, payload, attempt, status: 'pending', responseStatus: null, error: null, createdAt, nextAttemptAt: due };
}
