import type { WifiNetwork, WifiSecurity } from './adapter.js';

/** What the device has seen of each SSID on networks it did not flag. */
export type NetworkHistory = Record<string, { securities: WifiSecurity[] }>;

export type RogueReason = 'security_downgrade' | 'security_changed' | 'lookalike_ssid';

const RANK: Record<WifiSecurity, number> = { open: 0, wep: 1, wpa: 2, wpa2: 3, wpa3: 4, enterprise: 4, unknown: -1 };

// Characters attackers swap in look-alike names.
const HOMOGLYPHS: Record<string, string> = { '0': 'o', '1': 'l', i: 'l', '3': 'e', '5': 's', '$': 's', '@': 'a', '7': 't' };

function skeleton(ssid: string): string {
  return [...ssid.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/rn/g, 'm')]
    .map((c) => HOMOGLYPHS[c] ?? c)
    .filter((c) => /[a-z0-9]/.test(c))
    .join('');
}

/** Levenshtein distance, stopping early above 1: only "equal" or "one edit apart" matters. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

const strongest = (securities: WifiSecurity[]) => Math.max(-1, ...securities.map((s) => RANK[s]));

/**
 * Judges a network just joined against the history: an SSID seen before with stronger security
 * and now open, or with a security type never seen on it that is not stronger, is a rogue
 * access point; an
 * unknown SSID that reads like a known, better-secured one is a look-alike. Networks that pass
 * extend the history; flagged ones never do, so an attacker cannot teach the baseline.
 */
export function assessNetwork(history: NetworkHistory, network: WifiNetwork): { reason: RogueReason | null; history: NetworkHistory } {
  const rank = RANK[network.security];
  const known = history[network.ssid];
  let reason: RogueReason | null = null;
  if (rank >= 0 && known) {
    // A security type seen before on this SSID is normal (WPA2/WPA3 transition networks).
    const best = strongest(known.securities);
    if (known.securities.includes(network.security) || rank > best) reason = null;
    else if (network.security === 'open') reason = 'security_downgrade';
    else reason = 'security_changed';
  } else if (rank >= 0) {
    const name = skeleton(network.ssid);
    const lookalike = Object.entries(history).some(
      ([ssid, seen]) => ssid !== network.ssid && name.length >= 4 && withinOneEdit(name, skeleton(ssid)) && rank < strongest(seen.securities),
    );
    if (lookalike) reason = 'lookalike_ssid';
  }
  if (reason !== null || rank < 0) return { reason, history };
  const securities = known?.securities.includes(network.security) ? known.securities : [...(known?.securities ?? []), network.security];
  return { reason, history: { ...history, [network.ssid]: { securities } } };
}
