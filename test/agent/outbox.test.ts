import { describe, expect, it } from 'vitest';
import { ManualClock, MemoryStorage, Outbox, backoffDelay, isAlert, stamp, type ReportDraft } from '../../src/agent/index.js';
import { seededRandom } from '../../src/agent/simulated-fleet.js';
import type { DeviceReport, ReportBatchResult } from '../../src/protocol/index.js';
import { rig, T0 } from '../helpers/simulated-agent.js';

const random = { next: seededRandom(3) };
const alert: ReportDraft = { type: 'jailbreak', failedChecks: ['sandbox_write'], score: 3 };
const status: ReportDraft = { type: 'tunnel_state', state: 'connected' };
const openEvent: ReportDraft = { type: 'open_network_connected', network: 'net1', mode: 'audit' };
const remediation: ReportDraft = { type: 'remediated', remediates: 'rogue_network', subject: 'net1', how: 'left_network' };

function setup(capacity = 1000) {
  const clock = new ManualClock(T0);
  const storage = new MemoryStorage();
  const make = () => new Outbox({ storage, clock, random, capacity, batchSize: 3 });
  return { clock, storage, make, report: (d: ReportDraft) => stamp(d, random, clock.now()) };
}

const acceptAll = (seen: DeviceReport[][]) => (batch: DeviceReport[]): Promise<ReportBatchResult> => {
  seen.push(batch);
  return Promise.resolve({ accepted: batch.map((r) => r.id), duplicates: [], rejected: [] });
};

describe('outbox', () => {
  it('delivers in batches and empties', async () => {
    const { make, report } = setup();
    const outbox = make();
    for (let i = 0; i < 7; i++) await outbox.enqueue(report(status));
    const seen: DeviceReport[][] = [];
    expect(await outbox.deliver(acceptAll(seen))).toMatchObject({ delivered: 7, ok: true, pending: 0 });
    expect(seen.map((b) => b.length)).toEqual([3, 3, 1]);
  });

  it('when full drops the least important first, never an alert, and reports the count', async () => {
    const { make, report } = setup(3);
    const outbox = make();
    await outbox.enqueue(report(remediation));
    await outbox.enqueue(report(openEvent));
    await outbox.enqueue(report(status));
    await outbox.enqueue(report(alert)); // drops the status report
    await outbox.enqueue(report(alert)); // drops the open-network event
    await outbox.enqueue(report(alert)); // drops the remediation
    await outbox.enqueue(report(alert)); // only alerts left: kept beyond capacity
    const pending = await outbox.pending();
    expect(pending.map((r) => r.type)).toEqual(['jailbreak', 'jailbreak', 'jailbreak', 'jailbreak']);
    expect(await outbox.droppedCounts()).toEqual({ tunnel_state: 1, open_network_connected: 1, remediated: 1 });

    const seen: DeviceReport[][] = [];
    await outbox.deliver(acceptAll(seen));
    const sent = seen.flat();
    expect(sent[0]).toMatchObject({ type: 'reports_dropped', counts: { tunnel_state: 1, open_network_connected: 1, remediated: 1 } });
    expect(sent.filter(isAlert)).toHaveLength(4);
    expect(await outbox.droppedCounts()).toEqual({});
  });

  it('a newer inventory replaces a pending one without counting a drop', async () => {
    const { make, report } = setup();
    const outbox = make();
    await outbox.enqueue(report({ type: 'inventory', osVersion: '18.5', appScope: 'none' }));
    await outbox.enqueue(report({ type: 'inventory', osVersion: '18.6', appScope: 'none' }));
    expect((await outbox.pending()).map((r) => r.type === 'inventory' && r.osVersion)).toEqual(['18.6']);
    expect(await outbox.droppedCounts()).toEqual({});
  });

  it('backs off exponentially with jitter after failures and retries at once when asked', async () => {
    const { make, report, clock } = setup();
    const outbox = make();
    await outbox.enqueue(report(alert));
    const down = () => Promise.reject(new Error('offline'));
    expect((await outbox.deliver(down)).ok).toBe(false);
    expect((await outbox.deliver(down)).waiting).toBe(true);
    clock.advance(2_000);
    expect((await outbox.deliver(down)).waiting).toBe(false); // first delay is 1 to 2 s
    clock.advance(2_000);
    expect((await outbox.deliver(down)).waiting).toBe(true); // second is 2 to 4 s
    expect((await outbox.deliver(acceptAll([]), { now: true })).delivered).toBe(1);
  });

  it('backoff delays double up to the cap and stay in the jittered band', () => {
    const r = { next: seededRandom(9) };
    for (let failures = 1; failures <= 20; failures++) {
      const ceiling = Math.min(3_600_000, 2_000 * 2 ** (failures - 1));
      const delay = backoffDelay(failures, r);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
    const low = backoffDelay(3, { next: () => 0 });
    const high = backoffDelay(3, { next: () => 0.999 });
    expect(high - low).toBeGreaterThan(3_000);
  });

  it('drops reports the server rejects and resends the rest of the batch', async () => {
    const { make, report } = setup();
    const outbox = make();
    const good = report(alert);
    const bad = report(status);
    await outbox.enqueue(good);
    await outbox.enqueue(bad);
    const batches: string[][] = [];
    const result = await outbox.deliver((batch) => {
      batches.push(batch.map((r) => r.id));
      if (batch.some((r) => r.id === bad.id)) return Promise.resolve({ accepted: [], duplicates: [], rejected: [{ index: 1, reason: 'bad' }] });
      return acceptAll([])(batch);
    });
    expect(batches).toEqual([[good.id, bad.id], [good.id]]);
    expect(result).toMatchObject({ delivered: 1, rejected: 1, pending: 0 });
  });

  it('survives a corrupt stored outbox', async () => {
    const { make, storage } = setup();
    await storage.set('bulwark.outbox', '{not json');
    expect(await make().pending()).toEqual([]);
  });
});

describe('no lost events: the agent killed and restarted', () => {
  it('every alert is delivered exactly once', async () => {
    const r = rig();
    await r.agent.ensureEnrolled();
    const deviceId = r.agent.deviceId!;
    r.server.online = false;
    await r.agent.appOpened(); // offline: heartbeat and delivery fail, reports wait
    const threat = { source: 'phishing', action: 'Block', visibility: 'domain_only', domain: 'evil.example' } as const;
    await r.agent.recordWebThreat({ type: 'web_threat', ...threat });

    // Kill 1: between queueing and delivery.
    r.restart();
    await r.agent.recordWebThreat({ type: 'web_threat', ...threat, domain: 'evil2.example' });
    r.device.jailbreakState = { ...r.device.jailbreakState, writableSystemPaths: ['/private'] };
    r.clock.advance(60 * 60 * 1000); // the periodic jailbreak check is due
    await r.agent.backgroundTick();
    const queued = await r.agent.outbox.pending();
    const alerts = queued.filter(isAlert).map((a) => a.id);
    expect(alerts).toHaveLength(3);

    // The server stores the batch but the answer is lost: a failed delivery.
    r.server.online = true;
    r.server.loseAnswers = 1;
    expect((await r.agent.deliver(true)).ok).toBe(false);
    expect(r.server.reportsOf(deviceId).filter(isAlert).map((a) => a.id).sort()).toEqual([...alerts].sort());

    // Kill 2: after the failed delivery. The restarted agent resends; the server dedupes.
    r.restart();
    r.clock.advance(60 * 60 * 1000);
    await r.agent.backgroundTick();
    expect(await r.agent.outbox.pending()).toEqual([]);
    const stored = r.server.reportsOf(deviceId).filter(isAlert).map((a) => a.id);
    expect(stored.sort()).toEqual([...alerts].sort());
    expect(new Set(stored).size).toBe(stored.length);
  });
});
