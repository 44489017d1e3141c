import { randomUUID } from 'node:crypto';
import type { IndicatorImportResult, IndicatorImportRow, IndicatorView } from '../../protocol/index.js';
import { MAX_INDICATORS_PER_IMPORT } from '../../protocol/index.js';
import { checkIndicator, type IndicatorCheck } from '../../verdict/indicator-rules.js';
import { authorize, type AdminPrincipal, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import { IndicatorCsvError, readIndicatorCsv } from '../secops/indicator-csv.js';
import type { StoredIndicator } from '../storage/indicators.js';
import type { Storage } from '../storage/storage.js';
import type { Clock } from './auth.js';

const NOT_ENFORCED = { code: 'not_enforced_on_ios' as const, message: 'IP address indicators are not enforced on iOS and iPadOS devices; they apply on the other platforms' };

function view(i: StoredIndicator): IndicatorView {
  const { tenantId: _t, ...indicator } = i;
  return { ...indicator, warnings: i.indicatorType === 'IpAddress' ? [NOT_ENFORCED] : [] };
}

const reasonOf = (check: Extract<IndicatorCheck, { ok: false }>) => check.problems.map((p) => `${p.field}: ${p.message}`).join('; ');

/** Custom indicators: one by one, in batches of 500, or from the portal's CSV format. */
export class IndicatorService {
  constructor(
    private readonly store: Storage,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal): Promise<IndicatorView[]> {
    const admin = authorize(principal, 'indicators:read');
    return (await this.store.listIndicators(admin.tenantId)).map(view);
  }

  async create(principal: Principal, input: unknown): Promise<IndicatorView> {
    const admin = authorize(principal, 'indicators:write');
    const row = await this.add(admin, input, 0);
    if (row.isFailed || !row.id) throw new ApiError(row.failureReason?.includes('exists already') ? 'conflict' : 'validation_failed', row.failureReason ?? 'invalid indicator');
    return view((await this.store.getIndicator(admin.tenantId, row.id))!);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const admin = authorize(principal, 'indicators:write');
    if (!(await this.store.deleteIndicator(admin.tenantId, id))) throw new ApiError('not_found', `no indicator ${id}`);
  }

  /** Every valid row is stored; each bad one is reported with its reason. */
  async import(principal: Principal, inputs: readonly unknown[]): Promise<IndicatorImportResult> {
    const admin = authorize(principal, 'indicators:write');
    const value: IndicatorImportRow[] = [];
    for (const [index, input] of inputs.entries()) value.push(await this.add(admin, input, index));
    return { value };
  }

  /** CSV rows are numbered from 1, the first line after the header. */
  async importCsv(principal: Principal, csv: string): Promise<IndicatorImportResult> {
    authorize(principal, 'indicators:write');
    let rows;
    try {
      rows = readIndicatorCsv(csv);
    } catch (err) {
      if (err instanceof IndicatorCsvError) throw new ApiError('validation_failed', err.message);
      throw err;
    }
    if (rows.length === 0) throw new ApiError('validation_failed', 'the CSV file has a header but no indicator rows');
    if (rows.length > MAX_INDICATORS_PER_IMPORT) throw new ApiError('validation_failed', `the CSV file has ${rows.length} rows; import at most ${MAX_INDICATORS_PER_IMPORT} at a time`);
    const result = await this.import(principal, rows.map((r) => r.input));
    return { value: result.value.map((r) => ({ ...r, index: r.index + 1 })) };
  }

  private async add(admin: AdminPrincipal, input: unknown, index: number): Promise<IndicatorImportRow> {
    const now = this.clock.now();
    const check = checkIndicator(input, now);
    const raw = typeof input === 'object' && input !== null ? (input as { indicatorValue?: unknown }).indicatorValue : undefined;
    const failed = (reason: string): IndicatorImportRow => ({ index, id: null, indicator: typeof raw === 'string' ? raw : null, isFailed: true, failureReason: reason, warnings: [] });
    if (!check.ok) return failed(reasonOf(check));
    const at = now.toISOString();
    // The canonical target is stored, so `EVIL.example.` and `evil.example` are one indicator.
    const stored: StoredIndicator = { ...check.indicator, indicatorValue: check.target, id: randomUUID(), tenantId: admin.tenantId, createdAt: at, createdBy: admin.email, lastUpdateTime: at };
    if (!(await this.store.insertIndicator(stored))) return failed(`indicatorValue: an ${stored.indicatorType} indicator for ${check.target} exists already`);
    return { index, id: stored.id, indicator: check.target, isFailed: false, failureReason: null, warnings: check.warnings };
  }
}
