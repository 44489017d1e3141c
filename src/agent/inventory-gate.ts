import type { Management } from '../protocol/index.js';

export type Ownership = 'corporate' | 'personal';
export type Approval = 'unasked' | 'approved' | 'declined';

export interface InventoryGateInput {
  management: Management;
  supervised: boolean;
  ownership: Ownership;
  /** Tenant: "app sync for iOS". */
  appSync: boolean;
  /** Tenant: "send full app inventory on personally owned devices". */
  fullInventoryOnPersonal: boolean;
  /** `DefenderTVMPrivacyMode`. */
  tvmPrivacyMode: boolean;
  /** The user's answer on the app-inventory approval screen (unsupervised devices only). */
  userApproval: Approval;
}

export interface InventoryGate {
  /** Which apps the inventory report may list: OS version and build are always sent. */
  appScope: 'none' | 'managed' | 'full';
  /** Show the approval screen: the only way an unsupervised device's apps are sent. */
  askApproval: boolean;
}

/**
 * What app inventory may leave the device (DESIGN.md 2.6). Apps only for MDM-enrolled devices
 * of a tenant with app sync on. Supervised: corporate devices send every app, personal ones only
 * when the tenant allows full inventory (else managed apps), and an admin who keeps the privacy
 * mode on gets managed apps only. Unsupervised: nothing unless the privacy mode is off and the
 * user approved; then every app if the tenant allows full inventory on personal devices.
 */
export function inventoryGate(i: InventoryGateInput): InventoryGate {
  if (i.management !== 'mdm' || !i.appSync) return { appScope: 'none', askApproval: false };
  if (i.supervised) {
    if (i.tvmPrivacyMode) return { appScope: 'managed', askApproval: false };
    const full = i.ownership === 'corporate' || i.fullInventoryOnPersonal;
    return { appScope: full ? 'full' : 'managed', askApproval: false };
  }
  if (i.tvmPrivacyMode) return { appScope: 'none', askApproval: false };
  if (i.userApproval !== 'approved') return { appScope: 'none', askApproval: i.userApproval === 'unasked' };
  return { appScope: i.fullInventoryOnPersonal ? 'full' : 'managed', askApproval: false };
}
