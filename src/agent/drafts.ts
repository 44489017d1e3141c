import type { DeviceReport } from '../protocol/index.js';
import type { RandomSource } from './adapter.js';
import { randomId } from './ids.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A report as a decision module produces it; the agent gives it an id and a time. */
export type ReportDraft = DistributiveOmit<DeviceReport, 'id' | 'occurredAt'>;

/** Gives a draft its id at creation, so every retry of it carries the same id. */
export function stamp(draft: ReportDraft, random: RandomSource, now: number): DeviceReport {
  return { ...draft, id: randomId(random), occurredAt: new Date(now).toISOString() };
}
