import { describe, expect, it } from 'vitest';
import { assessNetwork, type NetworkHistory } from '../../src/agent/index.js';

const history: NetworkHistory = { CorpWiFi: { securities: ['wpa2'] }, Home: { securities: ['wpa2', 'wpa3'] } };

describe('rogue and look-alike access points', () => {
  it('a known SSID now open is a security downgrade', () => {
    expect(assessNetwork(history, { ssid: 'CorpWiFi', security: 'open' }).reason).toBe('security_downgrade');
  });

  it('a known SSID with a weaker or different security type is flagged', () => {
    expect(assessNetwork(history, { ssid: 'CorpWiFi', security: 'wep' }).reason).toBe('security_changed');
    expect(assessNetwork({ X: { securities: ['wpa3'] } }, { ssid: 'X', security: 'enterprise' }).reason).toBe('security_changed');
  });

  it('security types seen before (WPA2/WPA3 transition) and upgrades are normal', () => {
    expect(assessNetwork(history, { ssid: 'Home', security: 'wpa2' }).reason).toBeNull();
    const upgraded = assessNetwork(history, { ssid: 'CorpWiFi', security: 'wpa3' });
    expect(upgraded.reason).toBeNull();
    expect(upgraded.history.CorpWiFi!.securities).toEqual(['wpa2', 'wpa3']);
  });

  it('an open SSID that reads like a known secured one is a look-alike', () => {
    for (const ssid of ['C0rpWiFi', 'CorpWiFi ', 'Corp-WiFi', 'CorpWIFl', 'CorpWiF']) {
      expect(assessNetwork(history, { ssid, security: 'open' }).reason, ssid).toBe('lookalike_ssid');
    }
  });

  it('unrelated or equally secured names are not look-alikes', () => {
    expect(assessNetwork(history, { ssid: 'Airport', security: 'open' }).reason).toBeNull();
    expect(assessNetwork(history, { ssid: 'C0rpWiFi', security: 'wpa2' }).reason).toBeNull();
    expect(assessNetwork({ Cab: { securities: ['wpa2'] } }, { ssid: 'Cat', security: 'open' }).reason).toBeNull();
  });

  it('flagged networks never enter the history', () => {
    const judged = assessNetwork(history, { ssid: 'CorpWiFi', security: 'open' });
    expect(judged.history).toBe(history);
    expect(assessNetwork(judged.history, { ssid: 'CorpWiFi', security: 'open' }).reason).toBe('security_downgrade');
  });

  it('a first sighting is learned, unknown security is ignored', () => {
    expect(assessNetwork({}, { ssid: 'New', security: 'wpa2' }).history).toEqual({ New: { securities: ['wpa2'] } });
    expect(assessNetwork(history, { ssid: 'CorpWiFi', security: 'unknown' })).toEqual({ reason: null, history });
  });
});
