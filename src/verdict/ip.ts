// IP address forms, normalised the way browsers and the Safe Browsing protocol do: any legal
// IPv4 spelling (octal, hex, fewer than four parts) becomes dotted decimal, IPv6 becomes its
// RFC 5952 text form.

/** Parses one inet_aton component: decimal, 0-prefixed octal or 0x-prefixed hex. */
function ipv4Part(text: string): number | undefined {
  if (text === '') return undefined;
  let radix = 10;
  let digits = text;
  if (/^0x/i.test(text)) {
    radix = 16;
    digits = text.slice(2);
    if (digits === '') return 0;
  } else if (text.length > 1 && text.startsWith('0')) {
    radix = 8;
    digits = text.slice(1);
  }
  const valid = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return undefined;
  const value = parseInt(digits, radix);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * The dotted-decimal form of `host` when it is an IPv4 address in any legal spelling
 * (`0x7f.1`, `2130706433`, `0177.0.0.1`), else undefined.
 */
export function parseIpv4(host: string): string | undefined {
  const parts = host.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const value = ipv4Part(part);
    if (value === undefined) return undefined;
    values.push(value);
  }
  const last = values.pop() ?? 0;
  if (values.some((v) => v > 255) || last >= 256 ** (4 - values.length)) return undefined;
  let address = last;
  values.forEach((v, i) => (address += v * 256 ** (3 - i)));
  return [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');
}

/** The RFC 5952 form of an IPv6 address (without brackets), else undefined. */
export function parseIpv6(text: string): string | undefined {
  if (!/^[0-9a-f:.]+$/i.test(text) || !text.includes(':')) return undefined;
  let head = text;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
    const [prefix = '', v4text = ''] = dotted.slice(1);
    if (parseIpv4(v4text) !== v4text) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4text.split('.').map(Number);
    head = `${prefix}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
    return groups.some(Number.isNaN) ? undefined : groups;
  };
  const left = parse(halves[0] ?? '');
  const right = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (!left || !right) return undefined;
  const known = left.length + right.length;
  if (halves.length === 2 ? known > 7 : known !== 8) return undefined;
  const groups = [...left, ...new Array<number>(8 - known).fill(0), ...right];
  return formatIpv6(groups);
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Whether a dotted-decimal IPv4 address is routable on the public internet. */
export function isPublicIpv4(address: string): boolean {
  const [a = 0, b = 0] = address.split('.').map(Number);
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false; // this network, private, loopback, multicast/reserved
  if (a === 169 && b === 254) return false; // link-local
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 100 && b >= 64 && b <= 127) return false; // carrier-grade NAT
  return true;
}

/** Whether an RFC 5952 IPv6 address is routable on the public internet (global unicast). */
export function isPublicIpv6(address: string): boolean {
  const first = parseInt(address.split(':')[0] || '0', 16);
  return first >= 0x2000 && first <= 0x3fff;
}
