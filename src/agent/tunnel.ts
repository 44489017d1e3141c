import type { TunnelState } from '../protocol/index.js';

/** The loop-back tunnel's state and since when (epoch ms). */
export interface TunnelStatus {
  state: TunnelState;
  since: number;
}

/** What can happen to the tunnel: the user, the platform, the policy, jailbreak detection. */
export type TunnelEvent =
  | { type: 'permission_granted' }
  | { type: 'permission_skipped' }
  | { type: 'user_turned_off' }
  | { type: 'user_turned_on' }
  | { type: 'other_vpn_connected' }
  | { type: 'other_vpn_disconnected' }
  | { type: 'jailbreak_detected' }
  | { type: 'jailbreak_cleared' }
  | { type: 'signed_out' }
  | { type: 'signed_in' }
  | { type: 'policy_changed'; webProtection: boolean };

export interface TunnelContext {
  /** `DefenderOptionalVPN`: the VPN permission may be skipped at onboarding. */
  optionalVpn: boolean;
}

export interface TunnelResult {
  status: TunnelStatus;
  /** Set when the event was refused; the sentence is for the user. */
  refused?: string;
  /** What the platform must do now. */
  effect?: 'request_permission' | 'start' | 'stop' | 'remove_profile';
}

/** Where a device starts: off for good when `WebProtection=false`, else waiting for permission. */
export function initialTunnel(webProtection: boolean, now: number): TunnelStatus {
  return { state: webProtection ? 'permission_pending' : 'disabled_by_policy', since: now };
}

const to = (state: TunnelState, now: number, effect?: TunnelResult['effect']): TunnelResult => ({ status: { state, since: now }, effect });

/**
 * The tunnel's life cycle (DESIGN.md 2.2, 2.4). Pure: the same rules run on iOS and on the desktop.
 * - Only one device-wide VPN is active: another one connecting pre-empts ours.
 * - `WebProtection=false` disables it and the user cannot start it; turning it back on asks again.
 * - The permission can be skipped only with `DefenderOptionalVPN=true`, and enabled later.
 * - After a jailbreak the profile is removed (the app's data is cleared too); only a device found
 *   clean again gets its onboarding back.
 * - Signing out stops protection; signing in starts onboarding again.
 */
export function tunnelTransition(current: TunnelStatus, event: TunnelEvent, ctx: TunnelContext, now: number): TunnelResult {
  const { state } = current;
  const refuse = (refused: string): TunnelResult => ({ status: current, refused });
  if (state === 'removed_jailbreak') {
    return event.type === 'jailbreak_cleared' ? to('permission_pending', now) : refuse('web protection was removed because this device is jailbroken');
  }

  switch (event.type) {
    case 'jailbreak_detected':
      return to('removed_jailbreak', now, 'remove_profile');
    case 'policy_changed':
      if (!event.webProtection) return state === 'disabled_by_policy' ? { status: current } : to('disabled_by_policy', now, 'stop');
      return state === 'disabled_by_policy' ? to('permission_pending', now, 'request_permission') : { status: current };
    case 'jailbreak_cleared':
      return { status: current };
    default:
      break;
  }
  if (state === 'disabled_by_policy') return refuse('web protection is turned off by your organisation');

  switch (event.type) {
    case 'permission_granted':
      return state === 'permission_pending' ? to('connected', now, 'start') : { status: current };
    case 'permission_skipped':
      if (state !== 'permission_pending') return { status: current };
      return ctx.optionalVpn ? to('skipped', now) : refuse('your organisation requires the VPN permission for web protection');
    case 'user_turned_on':
      if (state === 'skipped') return to('permission_pending', now, 'request_permission');
      // Starting ours while another VPN runs takes the device-wide slot back.
      if (state === 'off_by_user' || state === 'preempted') return to('connected', now, 'start');
      return { status: current };
    case 'signed_out':
      return state === 'off_by_user' ? { status: current } : to('off_by_user', now, 'stop');
    case 'signed_in':
      return state === 'off_by_user' ? to('permission_pending', now, 'request_permission') : { status: current };
    case 'user_turned_off':
      return state === 'connected' || state === 'preempted' ? to('off_by_user', now, 'stop') : { status: current };
    case 'other_vpn_connected':
      return state === 'connected' ? to('preempted', now) : { status: current };
    case 'other_vpn_disconnected':
      // Connect On Demand brings ours back once the other VPN is gone.
      return state === 'preempted' ? to('connected', now, 'start') : { status: current };
  }
}
