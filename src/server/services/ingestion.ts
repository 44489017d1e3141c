import { randomUUID } from 'node:crypto';
import { DeviceReport, type ReportBatch, type ReportBatchResult, type Severity } from '../../protocol/index.js';
import type { DevicePrincipal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import { decide, OPEN_NETWORK_WINDOW_MS, openNetworkBehaviour, resolvesEarlierOpenNetworkAlerts, type AlertDraft, type RuleContext } from '../secops/alert-rules.js';
import type { StoredAlert } from '../storage/alerts.js';
import type { Storage } from '../storage/storage.js';
import type { Clock } from './auth.js';
import { effectiveConfig } from './config.js';
import { alertView, recomputeRisk, type StoreTx } from './risk.js';
import type { SecOpsEvent, SecOpsEvents } from './secops-events.js';

const RANK: Record<Severity, number> = { Informational: 0, Low: 1, Medium: 2, High: 3 };
/** Evidence kept per alert: the first report and the latest ones. */
const MAX_EVIDENCE = 20;

type Validated = { ok: true; report: DeviceReport } | { ok: false; index: number; id?: string; reason: string };

function validate(raw: unknown, index: number): Validated {
  const parsed = DeviceReport.safeParse(raw);
  if (parsed.success) return { ok: true, report: parsed.data };
  const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
  const reason = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'report'}: ${i.message}`).join('; ');
  return { ok: false, index, ...(id ? { id } : {}), reason };
}

/** Device times may carry offsets; stored times are UTC so they sort as text. */
const utc = (iso: string) => new Date(iso).toISOString();

function resolve(alert: StoredAlert, at: string): StoredAlert {
  return { ...alert, status: 'Resolved', resolvedTime: at, resolvedBy: 'auto_remediation', lastUpdateTime: at };
}

/** Takes device report batches in: all or nothing, replays acknowledged, alerts and risk updated. */
export class IngestionService {
  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
    private readonly events: SecOpsEvents,
  ) {}

  async ingest(principal: DevicePrincipal, batch: ReportBatch): Promise<ReportBatchResult> {
    const checked = batch.reports.map(validate);
    const rejected = checked.filter((c): c is Extract<Validated, { ok: false }> => !c.ok).map(({ ok: _ok, ...r }) => r);
    if (rejected.length > 0) return { accepted: [], duplicates: [], rejected };

    const { tenantId, deviceId } = principal;
    const [device, tenant] = await Promise.all([this.store.getDevice(tenantId, deviceId), this.store.getTenant(tenantId)]);
    if (!device || !tenant) throw new ApiError('unauthorized', 'this device is no longer enrolled');
    const config = (await effectiveConfig(this.store, device, tenant)).values;
    const base = {
      governmentCloud: tenant.settings.governmentCloud,
      agentVersion: device.agentVersion,
      openNetworkEventsFromAgentVersion: tenant.settings.openNetworkEventsFromAgentVersion,
      supervised: device.supervised,
      autoRemediation: config.DefenderNetworkProtectionAutoRemediation !== false,
    };
    const now = this.clock.now().toISOString();
    // Oldest first, so that alerts and the 24-hour rule see events in the order they happened.
    const reports = checked
      .map((c) => (c as Extract<Validated, { ok: true }>).report)
      .map((r) => ({ ...r, occurredAt: utc(r.occurredAt) }))
      .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));

    const result: ReportBatchResult = { accepted: [], duplicates: [], rejected: [] };
    const events = await this.store.transaction(async (tx) => {
      const changes: SecOpsEvent[] = [];
      for (const report of reports) {
        const stored = await tx.insertReport({ tenantId, deviceId, reportId: report.id, type: report.type, occurredAt: report.occurredAt, receivedAt: now, body: JSON.stringify(report) });
        if (!stored) {
          result.duplicates.push(report.id);
          continue;
        }
        result.accepted.push(report.id);
        const ctx: RuleContext = { ...base, previousSameEventAt: null };
        if ((report.type === 'open_network_connected' || report.type === 'open_network_disconnected') && openNetworkBehaviour(ctx) === 'timeline') {
          ctx.previousSameEventAt = (await tx.nearestTimelineEvent(tenantId, deviceId, report.type, report.network, report.occurredAt, OPEN_NETWORK_WINDOW_MS)) ?? null;
        }
        const outcome = decide(report, ctx);
        const alertId = outcome.alert ? await this.raise(tx, tenantId, deviceId, outcome.alert, report.occurredAt, now, changes) : null;
        for (const key of outcome.resolves) {
          const open = await tx.findActiveAlert(tenantId, deviceId, key);
          if (open) await this.save(tx, resolve(open, now), changes);
        }
        if (outcome.timeline) {
          await tx.insertTimelineEvent({ id: randomUUID(), tenantId, machineId: deviceId, reportId: report.id, ...outcome.timeline, occurredAt: report.occurredAt, receivedAt: now, alertId });
        }
        if (report.type === 'inventory') await tx.saveInventory(tenantId, deviceId, { apps: report.apps ?? null, appScope: report.appScope, at: report.occurredAt });
      }
      if (result.accepted.length > 0 && resolvesEarlierOpenNetworkAlerts(base)) {
        for (const open of (await tx.activeAlerts(tenantId, deviceId)).filter((a) => a.category === 'OpenNetwork')) await this.save(tx, resolve(open, now), changes);
      }
      if (result.accepted.length > 0) changes.push(...(await recomputeRisk(tx, tenantId, deviceId, now)));
      return changes;
    });
    this.events.emit(events);
    return result;
  }

  /** Opens a new alert or folds the report into the active one with the same key. */
  private async raise(tx: StoreTx, tenantId: string, deviceId: string, draft: AlertDraft, occurredAt: string, now: string, changes: SecOpsEvent[]): Promise<string> {
    const existing = await tx.findActiveAlert(tenantId, deviceId, draft.dedupeKey);
    if (existing) {
      const evidence = [...existing.evidence, draft.evidence];
      await this.save(
        tx,
        {
          ...existing,
          severity: RANK[draft.severity] > RANK[existing.severity] ? draft.severity : existing.severity,
          title: RANK[draft.severity] > RANK[existing.severity] ? draft.title : existing.title,
          firstEventTime: occurredAt < existing.firstEventTime ? occurredAt : existing.firstEventTime,
          lastEventTime: occurredAt > existing.lastEventTime ? occurredAt : existing.lastEventTime,
          eventCount: existing.eventCount + 1,
          evidence: evidence.length > MAX_EVIDENCE ? [evidence[0]!, ...evidence.slice(-(MAX_EVIDENCE - 1))] : evidence,
          lastUpdateTime: now,
        },
        changes,
      );
      return existing.id;
    }
    const alert: StoredAlert = {
      id: randomUUID(),
      tenantId,
      machineId: deviceId,
      dedupeKey: draft.dedupeKey,
      category: draft.category,
      title: draft.title,
      description: draft.description,
      severity: draft.severity,
      status: 'New',
      classification: null,
      determination: null,
      assignedTo: null,
      detectionSource: 'BulwarkAgent',
      alertCreationTime: now,
      firstEventTime: occurredAt,
      lastEventTime: occurredAt,
      lastUpdateTime: now,
      resolvedTime: null,
      resolvedBy: null,
      eventCount: 1,
      comments: [],
      evidence: [draft.evidence],
    };
    await tx.insertAlert(alert);
    changes.push({ type: 'alert.created', tenantId, deviceId, alert: alertView(alert) });
    return alert.id;
  }

  private async save(tx: StoreTx, alert: StoredAlert, changes: SecOpsEvent[]): Promise<void> {
    await tx.saveAlert(alert);
    changes.push({ type: 'alert.updated', tenantId: alert.tenantId, deviceId: alert.machineId, alert: alertView(alert) });
  }
}
