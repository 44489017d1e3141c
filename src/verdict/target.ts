// What a list entry or an indicator points at, in canonical form: a host (and its subdomains),
// or a host with a path prefix, or an exact URL with its query.
import { parse } from 'tldts';
import { parseUrl, type HostKind } from './canonical.js';

export interface Target {
  host: string;
  hostKind: HostKind;
  /**
   * '' for the whole host; else a path prefix without a trailing slash ('/login' matches
   * '/login', '/login/…' and '/login?…'), or an exact '/path?query'.
   */
  path: string;
}

export type ParsedTarget = Target | { error: string };

/** The canonical spelling of a target, as shown in explanations: `evil.example/login`. */
export function formatTarget(target: Target): string {
  const host = target.hostKind === 'ipv6' ? `[${target.host}]` : target.host;
  return host + target.path;
}

/** Drops the trailing slash so that '/a/' and '/a' name the same prefix. */
export function prefixPath(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
  return end === path.length ? path : path.slice(0, end);
}

/** A URL or host as a target; hosts keep their subdomains, paths keep what is below them. */
export function parseTarget(value: string): ParsedTarget {
  const url = parseUrl(value);
  if ('error' in url) return url;
  const path = prefixPath(url.path);
  return { host: url.host, hostKind: url.hostKind, path: url.query === undefined ? path : `${path}?${url.query}` };
}

/**
 * Whether a host is a public suffix (`com`, `co.uk`, `github.io`): an entry on it would catch
 * every site registered under it. Costs a PSL lookup, so builds of large feeds skip it.
 */
export function isPublicSuffix(host: string): boolean {
  const parsed = parse(host, { allowPrivateDomains: true });
  // An unknown single label (an intranet name) is not a suffix anyone registers under.
  return parsed.publicSuffix === host && (host.includes('.') || parsed.isIcann === true);
}
