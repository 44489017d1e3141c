import { describe, expect, it } from 'vitest';
import { inventoryGate, type InventoryGate, type InventoryGateInput } from '../../src/agent/index.js';

const base: InventoryGateInput = {
  management: 'mdm',
  supervised: true,
  ownership: 'corporate',
  appSync: true,
  fullInventoryOnPersonal: false,
  tvmPrivacyMode: false,
  userApproval: 'unasked',
};

const none: InventoryGate = { appScope: 'none', askApproval: false };
const managed: InventoryGate = { appScope: 'managed', askApproval: false };
const full: InventoryGate = { appScope: 'full', askApproval: false };
const ask: InventoryGate = { appScope: 'none', askApproval: true };

// [management, appSync, supervised, ownership, fullOnPersonal, tvmPrivacyMode, approval] -> gate
const TABLE: Array<[Partial<InventoryGateInput>, InventoryGate]> = [
  // Apps only for MDM-enrolled devices with app sync on.
  [{ management: 'mam' }, none],
  [{ management: 'none' }, none],
  [{ appSync: false }, none],
  [{ management: 'mam', supervised: false, userApproval: 'approved' }, none],
  // Supervised: corporate sends everything; personal only when the tenant allows full inventory.
  [{}, full],
  [{ fullInventoryOnPersonal: true }, full],
  [{ ownership: 'personal' }, managed],
  [{ ownership: 'personal', fullInventoryOnPersonal: true }, full],
  [{ tvmPrivacyMode: true }, managed],
  [{ userApproval: 'declined' }, full],
  // Unsupervised: privacy mode on (the default) sends no apps and asks nothing.
  [{ supervised: false, tvmPrivacyMode: true }, none],
  [{ supervised: false, tvmPrivacyMode: true, userApproval: 'approved' }, none],
  // Privacy mode off: ask once; nothing until approved.
  [{ supervised: false, ownership: 'personal' }, ask],
  [{ supervised: false, ownership: 'personal', userApproval: 'declined' }, none],
  [{ supervised: false, ownership: 'personal', userApproval: 'approved' }, managed],
  [{ supervised: false, ownership: 'personal', userApproval: 'approved', fullInventoryOnPersonal: true }, full],
  [{ supervised: false, ownership: 'corporate', userApproval: 'approved' }, managed],
  [{ supervised: false, appSync: false }, none],
];

describe('inventory gate truth table', () => {
  it.each(TABLE)('%j -> %j', (row, expected) => {
    expect(inventoryGate({ ...base, ...row })).toEqual(expected);
  });
});
