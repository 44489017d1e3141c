import { describe, expect, it } from 'vitest';
import { OPEN_NETWORK_WINDOW_MS, openNetworkChange, type OpenNetworkInput, type Sighting } from '../../src/agent/index.js';

const cafe: Sighting = { ref: 'cafe1', network: { ssid: 'Cafe', security: 'open' } };
const home: Sighting = { ref: 'home1', network: { ssid: 'Home', security: 'wpa2' } };
const base: OpenNetworkInput = { mode: 2, previous: null, current: cafe, log: {}, now: 1_000, trusted: () => false };

describe('open-network detection', () => {
  it('mode 0 reports and shows nothing', () => {
    const out = openNetworkChange({ ...base, mode: 0 });
    expect(out.reports).toEqual([]);
    expect(out.notify).toBeNull();
  });

  it('mode 1 (audit) reports the connect without telling the user', () => {
    const out = openNetworkChange({ ...base, mode: 1 });
    expect(out.reports).toMatchObject([{ type: 'open_network_connected', network: 'cafe1', mode: 'audit' }]);
    expect(out.notify).toBeNull();
  });

  it('mode 2 (enable) reports and tells the user', () => {
    const out = openNetworkChange(base);
    expect(out.reports).toMatchObject([{ type: 'open_network_connected', mode: 'enable', details: { ssid: 'Cafe', security: 'open' } }]);
    expect(out.notify).toEqual(cafe);
  });

  it('a trusted network is still reported but the user is not warned', () => {
    const out = openNetworkChange({ ...base, trusted: (ref) => ref === 'cafe1' });
    expect(out.reports).toHaveLength(1);
    expect(out.notify).toBeNull();
  });

  it('leaving an open network is reported as a disconnect', () => {
    const out = openNetworkChange({ ...base, previous: cafe, current: home });
    expect(out.reports).toMatchObject([{ type: 'open_network_disconnected', network: 'cafe1' }]);
    expect(out.notify).toBeNull();
  });

  it('secured networks produce nothing', () => {
    expect(openNetworkChange({ ...base, current: home }).reports).toEqual([]);
  });

  it('at most one connect and one disconnect per network per 24 hours', () => {
    let log = {};
    const events: string[] = [];
    const hop = (now: number, previous: Sighting | null, current: Sighting | null) => {
      const out = openNetworkChange({ ...base, now, previous, current, log });
      log = out.log;
      events.push(...out.reports.map((r) => `${r.type}@${now}`));
    };
    hop(0, null, cafe);
    hop(10, cafe, home);
    hop(20, home, cafe);
    hop(30, cafe, null);
    hop(OPEN_NETWORK_WINDOW_MS - 1, null, cafe);
    hop(OPEN_NETWORK_WINDOW_MS + 9, cafe, null);
    hop(OPEN_NETWORK_WINDOW_MS + 10, null, cafe);
    hop(OPEN_NETWORK_WINDOW_MS + 11, cafe, null);
    expect(events).toEqual([
      'open_network_connected@0',
      'open_network_disconnected@10',
      `open_network_connected@${OPEN_NETWORK_WINDOW_MS + 10}`,
      `open_network_disconnected@${OPEN_NETWORK_WINDOW_MS + 11}`,
    ]);
  });

  it('the window is per network', () => {
    const other: Sighting = { ref: 'air1', network: { ssid: 'Airport', security: 'open' } };
    const first = openNetworkChange({ ...base, now: 0 });
    const second = openNetworkChange({ ...base, now: 5, previous: cafe, current: other, log: first.log });
    expect(second.reports.map((r) => r.type)).toEqual(['open_network_disconnected', 'open_network_connected']);
  });

  it('the same SSID turning open is a change of network', () => {
    const homeOpen: Sighting = { ref: 'home1', network: { ssid: 'Home', security: 'open' } };
    expect(openNetworkChange({ ...base, previous: home, current: homeOpen }).reports).toHaveLength(1);
    expect(openNetworkChange({ ...base, previous: cafe, current: cafe }).reports).toEqual([]);
  });
});
