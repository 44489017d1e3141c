import { z } from 'zod';

export const Platform = z.enum(['ios', 'ipados', 'linux', 'macos']);
export type Platform = z.infer<typeof Platform>;

/** How the device is managed: MDM-enrolled, MAM (app-managed, unenrolled), or neither. */
export const Management = z.enum(['mdm', 'mam', 'none']);
export type Management = z.infer<typeof Management>;

/**
 * Console roles: `analyst` reads everything in its tenant and changes nothing; `responder` reads
 * and triages alerts (status, assignment, classification, comments); `admin` does everything.
 */
export const AdminRole = z.enum(['admin', 'responder', 'analyst']);
export type AdminRole = z.infer<typeof AdminRole>;

/**
 * States of the local loop-back tunnel that carries web protection. Only one device-wide VPN
 * can be active, so `preempted` is a real state, not an error.
 */
export const TunnelState = z.enum([
  'permission_pending',
  'skipped',
  'connected',
  'off_by_user',
  'preempted',
  'removed_jailbreak',
  'disabled_by_policy',
]);
export type TunnelState = z.infer<typeof TunnelState>;

/** A device is inactive after 7 days without a heartbeat or status signal. */
export const HealthState = z.enum(['active', 'inactive']);
export type HealthState = z.infer<typeof HealthState>;

/** Alert and indicator severity, as SOC tools name it. */
export const Severity = z.enum(['Informational', 'Low', 'Medium', 'High']);
export type Severity = z.infer<typeof Severity>;
