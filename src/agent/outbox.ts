import { z } from 'zod';
import { DeviceReport, MAX_REPORTS_PER_BATCH, type ReportBatchResult } from '../protocol/index.js';
import type { Clock, RandomSource, SecureStorage } from './adapter.js';
import { stamp } from './drafts.js';

export const OUTBOX_KEY = 'bulwark.outbox';

/** Alerts are never dropped: what the SOC must see. Timeline events and status can be. */
export function isAlert(report: DeviceReport): boolean {
  switch (report.type) {
    case 'web_threat':
      // An indicator hit is a timeline event, not an alert (DESIGN.md 2.2).
      return report.source !== 'custom_indicator';
    case 'rogue_network':
    case 'tls_interception':
    case 'suspicious_certificate':
    case 'jailbreak':
      return true;
    default:
      return false;
  }
}

/** Which non-alert report goes first when the outbox is full: lowest first. */
const DROP_ORDER: Partial<Record<DeviceReport['type'], number>> = {
  tunnel_state: 0,
  inventory: 1,
  open_network_connected: 2,
  open_network_disconnected: 2,
  web_threat: 2,
  signed_out: 3,
  // Losing a remediation leaves an alert open for ever: dropped last.
  remediated: 4,
  reports_dropped: 5,
};

const State = z.object({
  entries: z.array(DeviceReport),
  dropped: z.record(z.string(), z.number().int().positive()),
  failures: z.number().int().min(0),
  nextAttemptAt: z.number(),
});
type State = z.infer<typeof State>;

const EMPTY: State = { entries: [], dropped: {}, failures: 0, nextAttemptAt: 0 };

export interface OutboxOptions {
  storage: SecureStorage;
  clock: Clock;
  random: RandomSource;
  /** Non-alert reports kept at most; alerts are kept beyond it. */
  capacity?: number;
  batchSize?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** Sends one batch; resolves with the server's answer, rejects when no answer came or it refused. */
export type SendBatch = (reports: DeviceReport[]) => Promise<ReportBatchResult>;

export interface DeliveryResult {
  delivered: number;
  rejected: number;
  /** False when the last attempt failed (the next one waits for the backoff). */
  ok: boolean;
  pending: number;
  /** Delivery did not run: the backoff after a failure has not passed. */
  waiting: boolean;
}

/**
 * Exponential backoff with equal jitter: half of the delay is fixed, half random, so a fleet
 * that lost the server at the same moment does not come back at the same moment.
 */
export function backoffDelay(failures: number, random: RandomSource, baseMs = 2_000, maxMs = 3_600_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return ceiling / 2 + random.next() * (ceiling / 2);
}

/**
 * The persistent queue between report creation and the server. Every change is written to
 * the adapter's storage before it counts, so an agent killed at any point restarts with
 * nothing lost; the server drops replays by report id, so a batch whose answer was lost is
 * simply sent again.
 */
export class Outbox {
  private state: State | undefined;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly capacity: number;
  private readonly batchSize: number;

  constructor(private readonly options: OutboxOptions) {
    this.capacity = options.capacity ?? 1000;
    this.batchSize = Math.min(options.batchSize ?? 100, MAX_REPORTS_PER_BATCH);
  }

  /** Runs one change of state at a time, in order. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<State> {
    if (this.state) return this.state;
    const raw = await this.options.storage.get(OUTBOX_KEY);
    let state = EMPTY;
    if (raw !== undefined) {
      try {
        const parsed = State.safeParse(JSON.parse(raw));
        if (parsed.success) state = parsed.data;
      } catch {
        // A corrupt outbox cannot be repaired; starting empty keeps the agent working.
      }
    }
    this.state = state;
    return state;
  }

  private async save(state: State): Promise<void> {
    await this.options.storage.set(OUTBOX_KEY, JSON.stringify(state));
    this.state = state;
  }

  async enqueue(report: DeviceReport): Promise<void> {
    await this.exclusive(async () => {
      const state = await this.load();
      // A newer inventory makes a pending one worthless: replaced, not counted as dropped.
      const kept = report.type === 'inventory' ? state.entries.filter((e) => e.type !== 'inventory') : state.entries;
      const entries = [...kept, report];
      const dropped = { ...state.dropped };
      while (entries.length > this.capacity) {
        const victim = leastImportant(entries);
        if (victim < 0) break;
        const [gone] = entries.splice(victim, 1);
        dropped[gone!.type] = (dropped[gone!.type] ?? 0) + 1;
      }
      await this.save({ ...state, entries, dropped });
    });
  }

  async pending(): Promise<DeviceReport[]> {
    return this.exclusive(async () => [...(await this.load()).entries]);
  }

  async droppedCounts(): Promise<Record<string, number>> {
    return this.exclusive(async () => ({ ...(await this.load()).dropped }));
  }

  /**
   * Sends everything pending in batches until done or a batch fails. After a failure the next
   * attempt waits for the backoff unless `now` is set (the user opened the app: try at once).
   */
  async deliver(send: SendBatch, options: { now?: boolean } = {}): Promise<DeliveryResult> {
    const result: DeliveryResult = { delivered: 0, rejected: 0, ok: true, pending: 0, waiting: false };
    const { clock } = this.options;
    const start = await this.exclusive(() => this.load());
    if (!options.now && clock.now() < start.nextAttemptAt) return { ...result, pending: start.entries.length, waiting: true };
    await this.exclusive(() => this.countDrops());

    for (;;) {
      const batch = (await this.pending()).slice(0, this.batchSize);
      if (batch.length === 0) break;
      let answer: ReportBatchResult;
      try {
        answer = await send(batch);
      } catch {
        await this.failed();
        result.ok = false;
        break;
      }
      const done = new Set([...answer.accepted, ...answer.duplicates]);
      const rejected = new Set(answer.rejected.map((r) => r.id ?? batch[r.index]?.id).filter((id): id is string => id !== undefined));
      if (![...done, ...rejected].some((id) => batch.some((r) => r.id === id))) {
        // An answer that settles nothing would loop for ever: treat it as a failure.
        await this.failed();
        result.ok = false;
        break;
      }
      result.delivered += batch.filter((r) => done.has(r.id)).length;
      result.rejected += batch.filter((r) => rejected.has(r.id)).length;
      await this.exclusive(async () => {
        const state = await this.load();
        const entries = state.entries.filter((e) => !done.has(e.id) && !rejected.has(e.id));
        await this.save({ ...state, entries, failures: 0, nextAttemptAt: 0 });
      });
    }
    result.pending = (await this.pending()).length;
    return result;
  }

  /** Turns the drop counters into a report of their own, queued like any other. */
  private async countDrops(): Promise<void> {
    const state = await this.load();
    if (Object.keys(state.dropped).length === 0) return;
    const report = stamp({ type: 'reports_dropped', counts: state.dropped }, this.options.random, this.options.clock.now());
    await this.save({ ...state, entries: [report, ...state.entries], dropped: {} });
  }

  private async failed(): Promise<void> {
    await this.exclusive(async () => {
      const state = await this.load();
      const failures = state.failures + 1;
      const { clock, random, baseDelayMs, maxDelayMs } = this.options;
      await this.save({ ...state, failures, nextAttemptAt: clock.now() + backoffDelay(failures, random, baseDelayMs, maxDelayMs) });
    });
  }
}

/** Index of the report to drop first: lowest drop order, oldest first; -1 when only alerts remain. */
function leastImportant(entries: readonly DeviceReport[]): number {
  let victim = -1;
  let rank = Infinity;
  entries.forEach((entry, index) => {
    if (isAlert(entry)) return;
    const r = DROP_ORDER[entry.type] ?? 0;
    if (r < rank) {
      rank = r;
      victim = index;
    }
  });
  return victim;
}
