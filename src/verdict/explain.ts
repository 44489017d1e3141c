import type { Explanation, Verdict } from './verdict.js';

/** One line saying what matched, for the CLI, alerts and the timeline. */
export function describeMatch(match: Explanation): string {
  switch (match.kind) {
    case 'feed':
      return `feed ${match.source} (${match.category}) lists ${match.expression}`;
    case 'indicator':
      return `indicator ${match.indicatorId} "${match.title}" (${match.indicatorType} ${match.value}, ${match.action})`;
    case 'lookalike':
      return `look-alike of ${match.brand} (${match.rule}, ${match.distance} edit${match.distance === 1 ? '' : 's'})`;
  }
}

/** Why a verdict came out as it did, in words. */
export function describeVerdict(verdict: Verdict): string {
  const parts = [verdict.error ? `unreadable URL: ${verdict.error}` : verdict.reason ? describeMatch(verdict.reason) : 'no match'];
  if (verdict.domainOnly) parts.push('domain only: URL paths not checked');
  for (const match of verdict.notEnforced) parts.push(`not enforced on this platform: ${describeMatch(match)}`);
  for (const match of verdict.audits) parts.push(`audit: ${describeMatch(match)}`);
  return parts.join('; ');
}
