// Validation of custom network indicators, shared by the indicators API, the CSV import and
// `bulwark threatdb build`: one pure function, so every entry point refuses the same values
// with the same reasons.
import { IndicatorInput, type IndicatorType } from '../protocol/indicators.js';
import { isPublicIpv4, isPublicIpv6 } from './ip.js';
import { formatTarget, isPublicSuffix, parseTarget, type Target } from './target.js';

/** The loop-back tunnel's own address on iOS: an indicator on it would break web protection. */
export const RESERVED_IOS_ADDRESS = '245.245.0.1';

/** Why an indicator was refused; `field` is the IndicatorInput field at fault. */
export interface IndicatorProblem {
  field: string;
  message: string;
}

/** Accepted, but worth telling the admin. */
export interface IndicatorWarning {
  code: 'not_enforced_on_ios';
  message: string;
}

export type IndicatorCheck =
  | {
      ok: true;
      /** The input with defaults applied and strings trimmed. */
      indicator: IndicatorInput;
      /** Canonical form of indicatorValue (`evil.example`, `evil.example/login`, `203.0.113.7`): compare and store this. */
      target: string;
      warnings: IndicatorWarning[];
    }
  | { ok: false; problems: IndicatorProblem[] };

const IOS_IP_WARNING: IndicatorWarning = {
  code: 'not_enforced_on_ios',
  message: 'IP address indicators are not enforced on iOS and iPadOS devices; they apply on the other platforms',
};

function valueProblem(message: string): IndicatorProblem {
  return { field: 'indicatorValue', message };
}

/** The target of an indicator value of the given type, or why it cannot be one. */
export function indicatorTarget(type: IndicatorType, value: string): Target | IndicatorProblem {
  if (type === 'IpAddress' && value.includes('/')) return valueProblem(`'${value}': CIDR ranges are not supported; give single addresses`);
  if (value.includes('*')) return valueProblem(`'${value}': wildcards are not supported; a domain indicator already covers its subdomains`);
  if (type === 'DomainName' && /[/:@?#]/.test(value.replace(/^\[.*\]$/, ''))) {
    return valueProblem(`'${value}' is not a bare domain name; use a Url indicator for a scheme, port or path`);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined && (type !== 'Url' || (scheme !== 'http' && scheme !== 'https'))) {
    return valueProblem(`'${value}': only Url indicators may have a scheme, and only http or https`);
  }
  // A bare IPv6 address would read as host:port.
  const target = parseTarget(type === 'IpAddress' && value.includes(':') && !value.startsWith('[') ? `[${value}]` : value);
  if ('error' in target) return valueProblem(`'${value}' is not a valid ${type === 'Url' ? 'URL' : type === 'DomainName' ? 'domain name' : 'IP address'}: ${target.error}`);
  if (target.host === RESERVED_IOS_ADDRESS) {
    return valueProblem(`${RESERVED_IOS_ADDRESS} is used internally by the iOS app's loop-back tunnel and cannot be an indicator`);
  }
  const isIp = target.hostKind !== 'domain';
  if (type === 'IpAddress') {
    if (!isIp) return valueProblem(`'${value}' is not an IP address; use a DomainName indicator for host names`);
    if (!(target.hostKind === 'ipv4' ? isPublicIpv4(target.host) : isPublicIpv6(target.host))) {
      return valueProblem(`'${target.host}' is not a public address; only external IP addresses can be indicators`);
    }
  }
  if (type === 'DomainName' && isIp) return valueProblem(`'${value}' is an IP address; use an IpAddress indicator`);
  if (!isIp && isPublicSuffix(target.host)) {
    return valueProblem(`'${target.host}' is a public suffix; an indicator on it would match every site registered under it`);
  }
  return target;
}

/** Checks one indicator as the API or a CSV row gives it; `now` decides whether expirationTime is already past. */
export function checkIndicator(input: unknown, now: Date | number): IndicatorCheck {
  const parsed = IndicatorInput.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || 'indicator', message: issue.message })),
    };
  }
  const indicator = parsed.data;
  const problems: IndicatorProblem[] = [];
  const target = indicatorTarget(indicator.indicatorType, indicator.indicatorValue);
  if ('message' in target) problems.push(target);
  if (indicator.expirationTime !== undefined && Date.parse(indicator.expirationTime) <= +now) {
    problems.push({ field: 'expirationTime', message: `${indicator.expirationTime} is already past; an expired indicator would never apply` });
  }
  if (problems.length > 0 || 'message' in target) return { ok: false, problems };
  return {
    ok: true,
    indicator,
    target: formatTarget(target),
    warnings: indicator.indicatorType === 'IpAddress' ? [IOS_IP_WARNING] : [],
  };
}

/** Checks a batch (API import, CSV file); results are in input order, one per input. */
export function checkIndicators(inputs: readonly unknown[], now: Date | number): IndicatorCheck[] {
  return inputs.map((input) => checkIndicator(input, now));
}
