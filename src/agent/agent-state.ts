import { z } from 'zod';
import { InventorySettings } from '../protocol/index.js';
import { DEFAULT_CHOICES } from './app-view.js';
import { EMPTY_NETWORK_STATE } from './network-protection.js';

// What the agent remembers between runs, validated when read back: a corrupt or older entry
// falls back to a fresh state instead of crashing the agent.

const Security = z.enum(['open', 'wep', 'wpa', 'wpa2', 'wpa3', 'enterprise', 'unknown']);
const Sighting = z.object({ ref: z.string(), network: z.object({ ssid: z.string(), bssid: z.string().optional(), security: Security }) });
const ThreatKind = z.enum(['rogue_network', 'tls_interception', 'suspicious_certificate']);

export const NetworkStateSchema = z.object({
  networkRefs: z.record(z.string(), z.string()),
  certRefs: z.record(z.string(), z.string()),
  current: Sighting.nullable(),
  openLog: z.record(z.string(), z.object({ connected: z.number().optional(), disconnected: z.number().optional() })),
  history: z.record(z.string(), z.object({ securities: z.array(Security) })),
  active: z.array(z.object({ kind: ThreatKind, subject: z.string() })),
  tlsAnchors: z.array(z.string()),
  trusted: z.array(z.string()),
});

export const UserChoicesSchema = z.object({
  unsafeSiteInfo: z.boolean(),
  networkConsent: z.enum(['unasked', 'granted', 'denied']),
  inventoryApproval: z.enum(['unasked', 'approved', 'declined']),
});

export const AgentState = z.object({
  /** Network protection starts once the user has opened the app. */
  firstOpenedAt: z.number().optional(),
  signedOut: z.boolean(),
  choices: UserChoicesSchema,
  network: NetworkStateSchema,
  jailbreak: z.object({ detected: z.boolean(), lastCheckAt: z.number().optional(), failedChecks: z.array(z.string()) }),
  lastStatusAt: z.number().optional(),
  statusIntervalSeconds: z.number().int().positive(),
  inventory: InventorySettings.optional(),
  latestOsVersion: z.string().optional(),
  /** The OS version the user was last told to update from (one notification per version). */
  osUpdateNotified: z.string().optional(),
  /** The device's groups, from the last heartbeat: indicators may be scoped to them. */
  groups: z.array(z.string()).default([]),
});
export type AgentState = z.infer<typeof AgentState>;

export const INITIAL_STATE: AgentState = {
  signedOut: false,
  choices: DEFAULT_CHOICES,
  network: EMPTY_NETWORK_STATE,
  jailbreak: { detected: false, failedChecks: [] },
  statusIntervalSeconds: 900,
  groups: [],
};

/**
 * The app's user data, wiped when the device is found jailbroken: the user's choices, trusted
 * networks and everything learned about networks. Credentials, the outbox and the jailbreak
 * verdict stay, so risk reporting goes on.
 */
export function clearUserData(state: AgentState): AgentState {
  return { ...state, choices: DEFAULT_CHOICES, network: { ...EMPTY_NETWORK_STATE, tlsAnchors: state.network.tlsAnchors } };
}
