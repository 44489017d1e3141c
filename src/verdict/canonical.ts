// URL canonicalization in the manner of the Safe Browsing protocol (v4 "URLs and hashing"):
// the same URL spelled many ways (escapes, case, IP forms, IDN, dot segments) gives one form,
// so that one list entry catches every spelling. Pure ECMAScript: it runs in the iOS extension.
import punycode from 'punycode/punycode.js';
import { parseIpv4, parseIpv6 } from './ip.js';

export type HostKind = 'domain' | 'ipv4' | 'ipv6';

export interface CanonicalUrl {
  /** Lower-case ASCII: punycode labels for IDN, dotted decimal for IPv4, RFC 5952 for IPv6 (no brackets). */
  host: string;
  hostKind: HostKind;
  /** Starts with '/'; dot segments resolved, runs of '/' collapsed, unsafe bytes %-escaped. */
  path: string;
  /** Without the '?'; undefined when the URL had none. */
  query: string | undefined;
}

/** A canonical URL, or the reason the input is not one. */
export type ParsedUrl = CanonicalUrl | { error: string };

const MAX_HOST_LENGTH = 253;
const HOST_PATTERN = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Canonicalizes a URL (or a bare host, or host/path); the scheme and port are not part of the result. */
export function parseUrl(input: string): ParsedUrl {
  return fastParse(input) ?? slowParse(input);
}

/** The canonical form as one string, `host/path?query` (no scheme), as list entries are written. */
export function formatCanonical(url: CanonicalUrl): string {
  const host = url.hostKind === 'ipv6' ? `[${url.host}]` : url.host;
  return url.query === undefined ? host + url.path : `${host}${url.path}?${url.query}`;
}

/** Where the host starts: after `scheme://`, or after `//`, or at 0. */
export function authorityStart(s: string): number {
  // http:// and https:// by char codes: this runs on every verdict.
  if (s.charCodeAt(0) === 0x68 && s.charCodeAt(1) === 0x74 && s.charCodeAt(2) === 0x74 && s.charCodeAt(3) === 0x70) {
    const secure = s.charCodeAt(4) === 0x73 ? 1 : 0;
    if (s.charCodeAt(4 + secure) === 0x3a && s.charCodeAt(5 + secure) === 0x2f && s.charCodeAt(6 + secure) === 0x2f) return 7 + secure;
  }
  const sep = s.indexOf('://');
  if (sep > 0 && /^[a-z][a-z0-9+.-]*$/i.test(s.slice(0, sep))) return sep + 3;
  return s.startsWith('//') ? 2 : 0;
}

/**
 * Where a plain host that starting at `start` ends (at '/', '?', '#', '\\' or the end), when it
 * is already canonical: lower-case letters, digits, '-', '_', single dots, no port or user info,
 * and not possibly an IP. Else -1, and the input needs the full algorithm. This is the hot path
 * of every verdict: it reads only the host, never the path or query.
 */
export function plainHostEnd(input: string, start: number): number {
  let end = start;
  let lastDot = start - 1;
  for (; end < input.length; end++) {
    const c = input.charCodeAt(end);
    if (c === 0x2f /* / */ || c === 0x3f /* ? */ || c === 0x23 /* # */ || c === 0x5c /* \ */) break;
    if (c === 0x2e) {
      // leading or doubled dot, or a label too long for DNS
      if (end === lastDot + 1 || end - lastDot > 64) return -1;
      lastDot = end;
    } else if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f)) {
      return -1; // upper case, '%', ':' port, '@' user info, '[' IPv6, space, control, non-ASCII
    }
  }
  const first = input.charCodeAt(lastDot + 1);
  if (lastDot + 1 === end || end - lastDot > 64 || end - start > MAX_HOST_LENGTH) return -1;
  return first >= 0x30 && first <= 0x39 ? -1 : end; // a digit: may be an IP in some spelling
}

/**
 * The common case (printable ASCII, nothing escaped, a plain host, a clean path) with no
 * copying; undefined sends the input to the full algorithm. The fuzz test checks that both give
 * the same answer.
 */
function fastParse(input: string): CanonicalUrl | undefined {
  const start = authorityStart(input);
  const hostEnd = plainHostEnd(input, start);
  if (hostEnd < 0) return undefined;
  const hash = input.indexOf('#', hostEnd);
  const end = hash < 0 ? input.length : hash;
  for (let i = hostEnd; i < end; i++) {
    const c = input.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x25 /* % */ || c === 0x5c /* \ */) return undefined;
  }
  const query = input.indexOf('?', hostEnd);
  const pathEnd = query < 0 || query > end ? end : query;
  const path = hostEnd === pathEnd ? '/' : input.slice(hostEnd, pathEnd);
  if (path.includes('/.') || path.includes('//')) return undefined;
  return {
    host: input.slice(start, hostEnd),
    hostKind: 'domain',
    path,
    query: pathEnd === end ? undefined : input.slice(pathEnd + 1, end),
  };
}

/** Bytes as a string of char codes 0–255, so escapes and UTF-8 are handled byte by byte as the protocol says. */
function toByteString(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(s)) return s;
  let out = '';
  for (const byte of utf8Encoder.encode(s)) out += String.fromCharCode(byte);
  return out;
}

function unescapeRepeatedly(s: string): string {
  const escape = /%([0-9a-f]{2})/gi;
  let current = s;
  for (;;) {
    const next = current.replace(escape, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === current) return current;
    current = next;
  }
}

/** %-escapes bytes ≤ 0x20, ≥ 0x7f, '#' and '%', with upper-case hex. */
function escapeBytes(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x20\x7f-\xff#%]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function canonicalPath(raw: string): string {
  const segments: string[] = [];
  const parts = raw.split('/');
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') segments.pop();
    else segments.push(part);
  }
  const last = parts[parts.length - 1];
  const trailing = parts.length > 1 && (last === '' || last === '.' || last === '..');
  return `/${segments.join('/')}${trailing && segments.length > 0 ? '/' : ''}`;
}

function canonicalHost(raw: string): { host: string; hostKind: HostKind } | { error: string } {
  if (raw.startsWith('[')) {
    const v6 = raw.endsWith(']') ? parseIpv6(raw.slice(1, -1)) : undefined;
    return v6 === undefined ? { error: `'${raw}' is not a valid IPv6 address` } : { host: v6, hostKind: 'ipv6' };
  }
  let text: string;
  try {
    text = utf8Decoder.decode(Uint8Array.from(raw, (c) => c.charCodeAt(0)));
  } catch {
    return { error: 'the host is not valid UTF-8' };
  }
  // Unicode full stops count as dots (IDNA); NFKC folds full-width forms to ASCII.
  text = text.normalize('NFKC').replace(/[\u3002\uff0e\uff61]/g, '.').toLowerCase();
  const labels = text.split('.').filter((label) => label !== '');
  if (labels.length === 0) return { error: 'the URL has no host' };
  const joined = labels.join('.');
  const v4 = parseIpv4(joined);
  if (v4 !== undefined) return { host: v4, hostKind: 'ipv4' };
  let host: string;
  try {
    host = punycode.toASCII(joined);
  } catch {
    return { error: `'${joined}' cannot be written in punycode` };
  }
  if (host.length > MAX_HOST_LENGTH || !HOST_PATTERN.test(host) || host.split('.').some((l) => l.length > 63)) {
    return { error: `'${host}' is not a valid host name` };
  }
  return { host, hostKind: 'domain' };
}

/** The full algorithm: byte-wise, repeated unescaping, every host form (parseUrl's fallback; exported for the fuzz test). */
export function slowParse(input: string): ParsedUrl {
  // eslint-disable-next-line no-control-regex
  let s = input.replace(/[\x00-\x1f\x7f]/g, '').trim();
  const hash = s.indexOf('#');
  if (hash >= 0) s = s.slice(0, hash);
  s = unescapeRepeatedly(toByteString(s)).replace(/\\/g, '/');
  const start = authorityStart(s);
  let authorityEnd = s.length;
  for (const stop of ['/', '?']) {
    const at = s.indexOf(stop, start);
    if (at >= 0 && at < authorityEnd) authorityEnd = at;
  }
  let authority = s.slice(start, authorityEnd);
  authority = authority.slice(authority.lastIndexOf('@') + 1);
  const portAt = authority.lastIndexOf(':');
  if (portAt > authority.lastIndexOf(']')) {
    const port = authority.slice(portAt + 1);
    if (!/^\d{0,5}$/.test(port)) return { error: `'${port}' is not a valid port` };
    authority = authority.slice(0, portAt);
  }
  const host = canonicalHost(authority);
  if ('error' in host) return host;
  const rest = s.slice(authorityEnd);
  const queryAt = rest.indexOf('?');
  const rawPath = queryAt < 0 ? rest : rest.slice(0, queryAt);
  return {
    ...host,
    path: escapeBytes(canonicalPath(rawPath)),
    query: queryAt < 0 ? undefined : escapeBytes(rest.slice(queryAt + 1)),
  };
}
