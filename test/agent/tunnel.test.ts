import { describe, expect, it } from 'vitest';
import { initialTunnel, tunnelTransition, type TunnelEvent, type TunnelStatus } from '../../src/agent/tunnel.js';
import type { TunnelState } from '../../src/protocol/index.js';

const at = (state: TunnelState): TunnelStatus => ({ state, since: 0 });
const step = (state: TunnelState, event: TunnelEvent, optionalVpn = false) => tunnelTransition(at(state), event, { optionalVpn }, 1000);
const E = (type: Exclude<TunnelEvent['type'], 'policy_changed'>) => ({ type }) as TunnelEvent;

describe('tunnel life cycle', () => {
  it('starts waiting for permission, or disabled when WebProtection=false', () => {
    expect(initialTunnel(true, 5)).toEqual({ state: 'permission_pending', since: 5 });
    expect(initialTunnel(false, 5)).toEqual({ state: 'disabled_by_policy', since: 5 });
  });

  // Every transition of the state machine, with the platform effect it asks for.
  it.each<[TunnelState, TunnelEvent, boolean, TunnelState, string | undefined]>([
    ['permission_pending', E('permission_granted'), false, 'connected', 'start'],
    ['permission_pending', E('permission_skipped'), true, 'skipped', undefined],
    ['skipped', E('user_turned_on'), true, 'permission_pending', 'request_permission'],
    ['connected', E('user_turned_off'), false, 'off_by_user', 'stop'],
    ['off_by_user', E('user_turned_on'), false, 'connected', 'start'],
    ['connected', E('other_vpn_connected'), false, 'preempted', undefined],
    ['preempted', E('other_vpn_disconnected'), false, 'connected', 'start'],
    ['preempted', E('user_turned_off'), false, 'off_by_user', 'stop'],
    ['connected', E('jailbreak_detected'), false, 'removed_jailbreak', 'remove_profile'],
    ['off_by_user', E('jailbreak_detected'), false, 'removed_jailbreak', 'remove_profile'],
    ['connected', { type: 'policy_changed', webProtection: false }, false, 'disabled_by_policy', 'stop'],
    ['skipped', { type: 'policy_changed', webProtection: false }, true, 'disabled_by_policy', 'stop'],
    ['disabled_by_policy', { type: 'policy_changed', webProtection: true }, false, 'permission_pending', 'request_permission'],
    ['disabled_by_policy', E('jailbreak_detected'), false, 'removed_jailbreak', 'remove_profile'],
    ['removed_jailbreak', E('jailbreak_cleared'), false, 'permission_pending', undefined],
    ['preempted', E('user_turned_on'), false, 'connected', 'start'],
    ['connected', E('signed_out'), false, 'off_by_user', 'stop'],
    ['skipped', E('signed_out'), true, 'off_by_user', 'stop'],
    ['off_by_user', E('signed_in'), false, 'permission_pending', 'request_permission'],
  ])('%s --%o--> %s', (from, event, optionalVpn, expected, effect) => {
    const result = step(from, event, optionalVpn);
    expect(result.refused).toBeUndefined();
    expect(result.status).toEqual({ state: expected, since: 1000 });
    expect(result.effect).toBe(effect);
  });

  it('refuses to skip the permission unless DefenderOptionalVPN=true', () => {
    const result = step('permission_pending', E('permission_skipped'), false);
    expect(result.status.state).toBe('permission_pending');
    expect(result.refused).toMatch(/requires the VPN permission/);
  });

  it('keeps a policy-disabled tunnel off whatever the user does', () => {
    for (const type of ['user_turned_on', 'permission_granted', 'permission_skipped'] as const) {
      const result = step('disabled_by_policy', E(type), true);
      expect(result.status.state).toBe('disabled_by_policy');
      expect(result.refused).toMatch(/turned off by your organisation/);
    }
  });

  it('never comes back after a jailbreak unless the device is found clean', () => {
    for (const event of [E('user_turned_on'), E('permission_granted'), { type: 'policy_changed', webProtection: true } as TunnelEvent]) {
      const result = step('removed_jailbreak', event);
      expect(result.status).toEqual({ state: 'removed_jailbreak', since: 0 });
      expect(result.refused).toMatch(/jailbroken/);
    }
  });

  it('keeps `since` when nothing changes', () => {
    for (const [state, type] of [['connected', 'permission_granted'], ['off_by_user', 'other_vpn_connected'], ['permission_pending', 'user_turned_off']] as const) {
      expect(step(state, E(type)).status).toEqual({ state, since: 0 });
    }
  });
});
