import type { IndicatorAction } from '../protocol/indicators.js';

/** For one target Allowed beats Warn beats Block; Audit only records, so it ranks last. */
const RANK: Record<IndicatorAction, number> = { Allowed: 4, Warn: 3, Block: 2, Audit: 1 };

export function actionRank(action: IndicatorAction): number {
  return RANK[action];
}
