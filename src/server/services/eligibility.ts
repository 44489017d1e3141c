import type { DeviceFacts, ErrorCode } from '../../protocol/index.js';

/** The oldest iOS/iPadOS major version Bulwark supports. */
export const MIN_IOS_MAJOR = 16;

export interface Refusal {
  code: ErrorCode;
  message: string;
}

function major(version: string): number {
  return Number(version.split('.')[0]);
}

/** Why a device may not enroll, or undefined when it may (DESIGN.md 2.7). */
export function enrollmentRefusal(facts: DeviceFacts): Refusal | undefined {
  if ((facts.platform === 'ios' || facts.platform === 'ipados') && major(facts.osVersion) < MIN_IOS_MAJOR) {
    return { code: 'os_unsupported', message: `iOS/iPadOS ${facts.osVersion} is not supported; update to ${MIN_IOS_MAJOR} or later` };
  }
  if (facts.sharedDevice) {
    return { code: 'shared_device', message: 'shared devices cannot be onboarded; sign in on a device with a single user' };
  }
  if (facts.userPrincipalName === null) {
    return { code: 'userless_device', message: 'user-less devices cannot be onboarded; a user must sign in' };
  }
  if (facts.management === 'mam') {
    const registered = facts.authenticatorAccount;
    if (!registered) {
      return { code: 'mam_account_mismatch', message: 'register the device in the authenticator app with the account that signs in' };
    }
    if (registered.toLowerCase() !== facts.userPrincipalName.toLowerCase()) {
      return {
        code: 'mam_account_mismatch',
        message: 'the account registered in the authenticator app differs from the signed-in account; sign in with the same account',
      };
    }
  }
  return undefined;
}
