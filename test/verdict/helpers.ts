import type { Indicator, IndicatorInput } from '../../src/protocol/indicators.js';
import type { VerdictQuestion } from '../../src/verdict/index.js';

let next = 0;

/** An indicator as the server stores it, with only the fields a test cares about. */
export function indicator(fields: Partial<IndicatorInput> & Pick<IndicatorInput, 'indicatorType' | 'indicatorValue' | 'action'>): Indicator {
  next++;
  return {
    id: `ind-${String(next).padStart(4, '0')}`,
    title: `indicator ${next}`,
    description: 'test',
    rbacGroupNames: [],
    generateAlert: false,
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: null,
    lastUpdateTime: '2026-01-01T00:00:00Z',
    ...fields,
  };
}

export const NOW = Date.parse('2026-06-01T00:00:00Z');

/** A supervised iOS device asking now. */
export function ask(url: string, extra: Partial<VerdictQuestion> = {}): VerdictQuestion {
  return { url, visibility: 'full-url', platform: 'ios', now: NOW, ...extra };
}
