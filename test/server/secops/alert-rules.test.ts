import { describe, expect, it } from 'vitest';
import type { DeviceReport } from '../../../src/protocol/index.js';
import { decide, openNetworkBehaviour, resolvesEarlierOpenNetworkAlerts, type RuleContext } from '../../../src/server/secops/alert-rules.js';

const ctx = (over: Partial<RuleContext> = {}): RuleContext => ({
  governmentCloud: false,
  agentVersion: '1.2.0',
  openNetworkEventsFromAgentVersion: '1.2.0',
  supervised: false,
  autoRemediation: true,
  previousSameEventAt: null,
  ...over,
});
const at = (h: number) => new Date(Date.UTC(2025, 5, 1) + h * 3600_000).toISOString();
const openNetwork = (h: number, type: 'open_network_connected' | 'open_network_disconnected' = 'open_network_connected'): DeviceReport => ({
  id: `r-${type}-${h}`,
  occurredAt: at(h),
  type,
  network: 'net-home',
  mode: 'enable',
});
const connect = (h: number) => openNetwork(h);

describe('open-network rules', () => {
  it('makes a timeline event, no alert, on a current agent of a commercial tenant', () => {
    const out = decide(connect(0), ctx());
    expect(out.alert).toBeNull();
    expect(out.timeline).toMatchObject({ type: 'open_network_connected', subject: 'net-home' });
  });

  it('keeps one connect event per network per 24 hours, by event time', () => {
    expect(decide(connect(23.9), ctx({ previousSameEventAt: at(0) })).timeline).toBeNull();
    expect(decide(connect(24), ctx({ previousSameEventAt: at(0) })).timeline).not.toBeNull();
    // A late report from before the kept event counts against the same window.
    expect(decide(connect(-3), ctx({ previousSameEventAt: at(0) })).timeline).toBeNull();
  });

  it('keeps alerts for government tenants and for agents older than the configured version', () => {
    expect(openNetworkBehaviour(ctx({ governmentCloud: true }))).toBe('alert');
    expect(openNetworkBehaviour(ctx({ agentVersion: '1.1.9' }))).toBe('alert');
    expect(openNetworkBehaviour(ctx({ agentVersion: '1.10.0' }))).toBe('timeline');
    const gcc = decide(connect(0), ctx({ governmentCloud: true, previousSameEventAt: at(-1) }));
    expect(gcc.alert).toMatchObject({ category: 'OpenNetwork', dedupeKey: 'OpenNetwork:net-home' });
    // The 24-hour rule is for the timeline behaviour; alert mode records every connection.
    expect(gcc.timeline).not.toBeNull();
    const old = decide(openNetwork(0, 'open_network_disconnected'), ctx({ agentVersion: '0.9' }));
    expect(old.alert).toBeNull();
  });

  it('resolves earlier open-network alerts only on the new behaviour with auto-remediation on', () => {
    expect(resolvesEarlierOpenNetworkAlerts(ctx())).toBe(true);
    expect(resolvesEarlierOpenNetworkAlerts(ctx({ autoRemediation: false }))).toBe(false);
    expect(resolvesEarlierOpenNetworkAlerts(ctx({ governmentCloud: true }))).toBe(false);
  });
});

describe('threat reports', () => {
  const base = { id: 'r-000001', occurredAt: at(0) };

  it('raises a High alert on jailbreak, keyed once per device', () => {
    const out = decide({ ...base, type: 'jailbreak', failedChecks: ['suspicious_files'], score: 9 }, ctx());
    expect(out.alert).toMatchObject({ severity: 'High', category: 'Jailbreak', dedupeKey: 'Jailbreak:device' });
  });

  it('alerts on a blocked phishing site, keyed by domain, and rates a click-through higher', () => {
    const report = { ...base, type: 'web_threat' as const, source: 'phishing' as const, action: 'Block' as const, visibility: 'domain_only' as const, domain: 'evil.example' };
    expect(decide(report, ctx()).alert).toMatchObject({ severity: 'Medium', category: 'Phishing', dedupeKey: 'Phishing:evil.example' });
    expect(decide({ ...report, action: 'Warn', userContinued: true }, ctx()).alert?.severity).toBe('High');
    expect(decide({ ...report, source: 'malware' }, ctx()).alert?.category).toBe('MaliciousSite');
  });

  it('records a custom-indicator hit on the timeline only, with the URL hidden on unsupervised devices', () => {
    const hit = { ...base, type: 'web_threat' as const, source: 'custom_indicator' as const, action: 'Block' as const, visibility: 'full_url' as const, domain: 'x.example', url: 'https://x.example/a' };
    const unsupervised = decide(hit, ctx());
    expect(unsupervised.alert).toBeNull();
    expect(unsupervised.timeline).toMatchObject({ type: 'custom_indicator_hit', data: { url: 'hidden' } });
    expect(decide(hit, ctx({ supervised: true })).timeline?.data.url).toBe('https://x.example/a');
  });

  it('alerts on TLS interception as High and resolves by remediation only with auto-remediation on', () => {
    expect(decide({ ...base, type: 'tls_interception', subject: 'net-cafe', reason: 'unexpected_chain' }, ctx()).alert).toMatchObject({ severity: 'High', dedupeKey: 'TlsInterception:net-cafe' });
    const fix: DeviceReport = { ...base, type: 'remediated', remediates: 'tls_interception', subject: 'net-cafe', how: 'left_network' };
    expect(decide(fix, ctx()).resolves).toEqual(['TlsInterception:net-cafe']);
    expect(decide(fix, ctx({ autoRemediation: false })).resolves).toEqual([]);
    expect(decide(fix, ctx()).timeline?.type).toBe('remediated');
  });
});
