import { z } from 'zod';
import { Indicator } from './indicators.js';

export const MAX_INDICATORS_PER_IMPORT = 500;

export const IndicatorWarning = z.object({ code: z.literal('not_enforced_on_ios'), message: z.string() });

/** An indicator as the API returns it, with what the admin should know about it. */
export const IndicatorView = Indicator.extend({ warnings: z.array(IndicatorWarning) });
export type IndicatorView = z.infer<typeof IndicatorView>;

export const IndicatorImportRequest = z.object({ Indicators: z.array(z.unknown()).min(1).max(MAX_INDICATORS_PER_IMPORT) });
export type IndicatorImportRequest = z.infer<typeof IndicatorImportRequest>;

/** One row of an import: the research file's `{id, indicator, isFailed, failureReason}` plus warnings. */
export const IndicatorImportRow = z.object({
  /** 0-based position in `Indicators`, or the 1-based data row of a CSV file. */
  index: z.number().int(),
  id: z.string().nullable(),
  indicator: z.string().nullable(),
  isFailed: z.boolean(),
  failureReason: z.string().nullable(),
  warnings: z.array(IndicatorWarning),
});
export type IndicatorImportRow = z.infer<typeof IndicatorImportRow>;

export const IndicatorImportResult = z.object({ value: z.array(IndicatorImportRow) });
export type IndicatorImportResult = z.infer<typeof IndicatorImportResult>;
