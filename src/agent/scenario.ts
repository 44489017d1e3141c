import { z } from 'zod';
import { AppEntry, DeviceFacts, WebThreatSource } from '../protocol/index.js';

// The documented format of `bulwark simulate --scenario FILE`: devices and their facts, then
// steps at virtual times. docs/scenario.schema.json is generated from these schemas.

const Offset = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'an offset from the start such as 90s, 10m, 25h or 2d')
  .describe('When the step happens, counted from `start`: a number and a unit (ms, s, m, h, d). Virtual time: a day takes no real day.');

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function offsetMs(offset: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(offset);
  if (!match) throw new Error(`bad offset ${offset}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const Security = z.enum(['open', 'wep', 'wpa', 'wpa2', 'wpa3', 'enterprise', 'unknown']);
const Wifi = z.object({ ssid: z.string().min(1).max(64), bssid: z.string().max(32).optional(), security: Security });
const Root = z.object({
  subject: z.string().min(1).max(512),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional().describe('Derived from the subject when left out.'),
  origin: z.enum(['public', 'mdm', 'user', 'other']).default('user'),
});
const DeviceId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - or _');

export const ScenarioDevice = z.object({
  id: DeviceId.describe('The name steps use for this device.'),
  facts: DeviceFacts.partial().optional().describe('Device facts; defaults: an unsupervised, MDM-enrolled iPhone on iOS 18.5.'),
  wifi: Wifi.nullable().optional().describe('The Wi-Fi network joined at the start.'),
  roots: z.array(Root).optional().describe('Trusted roots beyond the public store at the start.'),
  apps: z.array(AppEntry).optional(),
  allowVpn: z.boolean().default(true).describe("The user's answer to the VPN permission prompt."),
  expect: z
    .object({
      delivered: z.record(z.string(), z.number().int().min(0)).optional().describe('Reports the server acknowledged, counted by type (exact).'),
      notices: z.record(z.string(), z.number().int().min(0)).optional().describe('Notifications shown to the user, counted by kind (exact).'),
      pending: z.number().int().min(0).optional().describe('Reports still waiting in the outbox at the end.'),
    })
    .optional()
    .describe('What must have happened by the end; the run fails otherwise.'),
});
export type ScenarioDevice = z.infer<typeof ScenarioDevice>;

const at = { at: Offset, device: DeviceId };
const step = <A extends string, S extends z.ZodRawShape>(action: A, shape: S, description: string) =>
  z.object({ ...at, action: z.literal(action), ...shape }).describe(description);

export const UserChoice = z.enum([
  'grant_vpn',
  'skip_vpn',
  'start_web_protection',
  'trust_network',
  'untrust_network',
  'unsafe_site_info_on',
  'unsafe_site_info_off',
  'network_consent_grant',
  'network_consent_deny',
  'inventory_approve',
  'inventory_decline',
  'sign_out',
  'sign_in',
]);
export type UserChoice = z.infer<typeof UserChoice>;

export const ScenarioStep = z.discriminatedUnion('action', [
  step('app_open', {}, 'The user opens the app: heartbeat and every check.'),
  step('background', {}, 'A background wake-up: periodic checks, status while the tunnel runs, delivery.'),
  step('join_wifi', Wifi.shape, 'The device joins a Wi-Fi network.'),
  step('leave_wifi', {}, 'The device leaves Wi-Fi.'),
  step(
    'visit_url',
    {
      url: z.string().min(1).max(2048),
      threat: z
        .object({ source: WebThreatSource, action: z.enum(['Block', 'Warn', 'Audit']), ruleId: z.string().max(128).optional() })
        .optional()
        .describe("The front end's verdict for the URL; none means the visit was allowed."),
    },
    'The user visits a URL through web protection.',
  ),
  step('install_root_cert', Root.shape, 'A root certificate becomes trusted.'),
  step('remove_root_cert', { subject: z.string().min(1) }, 'The root certificate with this subject is removed.'),
  step('tls_interception', { on: z.boolean() }, 'Something on the path starts or stops re-signing TLS.'),
  step('jailbreak', {}, 'The device is jailbroken (rootless, Dopamine-like indicators).'),
  step('restore', {}, 'The device is restored from a jailbreak.'),
  step('install_app', AppEntry.shape, 'An app is installed.'),
  step('remove_app', { bundleId: z.string().min(1) }, 'An app is removed.'),
  step('os_update', { version: z.string().regex(/^\d{1,4}(\.\d{1,4}){0,3}$/), build: z.string().max(32).optional() }, 'The OS is updated.'),
  step('offline', {}, 'The device loses the server.'),
  step('online', {}, 'The device reaches the server again.'),
  step('user', { choice: UserChoice }, 'The user does something in the app.'),
  step(
    'vpn',
    { event: z.enum(['other_vpn_connected', 'other_vpn_disconnected', 'connect_on_demand_off']) },
    'The platform reports the tunnel: another VPN takes or gives back the device-wide slot, or the user turns Connect On Demand off in Settings.',
  ),
]);
export type ScenarioStep = z.infer<typeof ScenarioStep>;

export const Scenario = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    start: z.iso.datetime({ offset: true }).describe('Virtual time of offset 0.'),
    devices: z.array(ScenarioDevice).min(1).max(10_000),
    steps: z.array(ScenarioStep).max(100_000),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    s.devices.forEach((d, i) => {
      if (ids.has(d.id)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `device id ${d.id} is used twice` });
      ids.add(d.id);
    });
    s.steps.forEach((st, i) => {
      if (!ids.has(st.device)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'device'], message: `no device named ${st.device}` });
    });
  });
export type Scenario = z.infer<typeof Scenario>;

/** Parses a scenario, with errors that name the field and the step or device index. */
export function parseScenario(json: unknown): Scenario {
  const parsed = Scenario.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`invalid scenario:\n${lines.join('\n')}`);
}

/** The JSON Schema of the scenario format (what docs/scenario.schema.json holds). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Scenario, { io: 'input' }),
    $id: 'https://bulwark.example/schemas/scenario.schema.json',
    title: 'Bulwark simulation scenario',
    description: 'Devices and timed steps played by `bulwark simulate --scenario FILE` on virtual time.',
  };
}
