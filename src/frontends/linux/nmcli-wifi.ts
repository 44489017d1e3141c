import { execFile } from 'node:child_process';
import type { WifiNetwork, WifiObserver, WifiSecurity } from '../../agent/index.js';

/** Splits one line of `nmcli -t` output: fields are ':'-separated, '\:' and '\\' are escapes. */
export function splitTerse(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) field += line[++i];
    else if (c === ':') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** NetworkManager's SECURITY column ("", "WPA2", "WPA2 WPA3", "WPA2 802.1X", "WEP"...) in the agent's terms. */
export function securityOf(column: string): WifiSecurity {
  const flags = column.split(/\s+/).filter((f) => f !== '' && f !== '--');
  if (flags.length === 0) return 'open';
  if (flags.includes('802.1X')) return 'enterprise';
  if (flags.includes('WPA3')) return 'wpa3';
  if (flags.includes('WPA2')) return 'wpa2';
  if (flags.includes('WPA1')) return 'wpa';
  if (flags.includes('WEP')) return 'wep';
  return 'unknown';
}

/** The active network in `nmcli -t -f ACTIVE,SSID,BSSID,SECURITY device wifi list` output, if any. */
export function parseNmcliWifi(output: string): WifiNetwork | null {
  for (const line of output.split('\n')) {
    const [active, ssid, bssid, security] = splitTerse(line);
    if (active !== 'yes' || !ssid) continue;
    return { ssid, ...(bssid ? { bssid: bssid.toLowerCase() } : {}), security: securityOf(security ?? '') };
  }
  return null;
}

/**
 * Wi-Fi from NetworkManager. Without nmcli (or Wi-Fi, or NetworkManager) the device reports no
 * Wi-Fi network instead of failing: a wired desktop is not on an open network.
 */
export function nmcliWifi(command = 'nmcli'): WifiObserver {
  return {
    current: () =>
      new Promise((resolve) => {
        execFile(command, ['-t', '-f', 'ACTIVE,SSID,BSSID,SECURITY', 'device', 'wifi', 'list', '--rescan', 'no'], { timeout: 5_000 }, (err, stdout) => {
          resolve(err ? null : parseNmcliWifi(stdout));
        });
      }),
  };
}
