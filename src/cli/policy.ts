import fs from 'node:fs';
import path from 'node:path';
import {
  formatIssue,
  fromGraph,
  isGraphJson,
  keySpec,
  parseKeyValue,
  toGraph,
  toPlist,
  toSpecfile,
  validateAppConfigPolicy,
  type ValidatedAppConfig,
} from '../policy/index.js';
import { AppConfigPolicyInput, type ConfigValue, type DeviceConfigView, type MdmValueType, type ResolvedSetting } from '../protocol/index.js';
import { deviceConfig } from '../server/services/config.js';
import { tenantId, withStorage } from './admin.js';

// `bulwark policy …`: lint and export policy files offline; explain a device's configuration
// from the database (like the other operator commands, whoever runs it owns the database).

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);

type Loaded = { ok: true; policy: AppConfigPolicyInput; validated: ValidatedAppConfig } | { ok: false; problem: string };

/**
 * Reads a policy file: a Bulwark policy (JSON, as the API takes it), either Microsoft Graph JSON
 * form, or the XML plist form (an MDM policy named after the file).
 */
export function loadPolicyFile(file: string): Loaded {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, problem: `cannot read: ${(e as Error).message}` };
  }
  let policy: AppConfigPolicyInput;
  if (text.trimStart().startsWith('<')) {
    policy = { channel: 'mdm', name: path.basename(file).replace(/\.[^.]*$/, ''), description: '', settings: [], plistXml: text, assignment: { allDevices: false, include: [], exclude: [] } };
  } else {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return { ok: false, problem: `not JSON or plist XML: ${(e as Error).message}` };
    }
    if (isGraphJson(json)) {
      const imported = fromGraph(json);
      if (!imported.ok) return imported;
      policy = imported.policy;
    } else {
      const parsed = AppConfigPolicyInput.safeParse(json);
      if (!parsed.success) return { ok: false, problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
      policy = parsed.data;
    }
  }
  return { ok: true, policy, validated: validateAppConfigPolicy(policy) };
}

/** Prints every error and warning of each file; exit code 1 when any file has an error. */
export function lintCommand(files: string[]): number {
  let failed = false;
  for (const file of files) {
    const loaded = loadPolicyFile(file);
    if (!loaded.ok) {
      err(`${file}: error: ${loaded.problem}`);
      failed = true;
      continue;
    }
    const { errors, warnings, settings } = loaded.validated;
    for (const issue of [...errors, ...warnings]) (issue.severity === 'error' ? err : out)(`${file}: ${issue.severity}: ${formatIssue(issue)}`);
    if (errors.length > 0) failed = true;
    else out(`${file}: ok, ${settings.length} setting${settings.length === 1 ? '' : 's'}${warnings.length ? `, ${warnings.length} warning(s)` : ''}`);
  }
  return failed ? 1 : 0;
}

const plistType = (type: MdmValueType): MdmValueType => (type === 'Token' ? 'String' : type);

/** Writes a policy file as Graph JSON, an AppConfig specfile (its values as defaults) or a plist. */
export function exportCommand(file: string, flags: { format: string; bundleId?: string }): number {
  const loaded = loadPolicyFile(file);
  if (!loaded.ok || loaded.validated.errors.length > 0) {
    if (!loaded.ok) err(`${file}: error: ${loaded.problem}`);
    else loaded.validated.errors.forEach((e) => err(`${file}: error: ${formatIssue(e)}`));
    return 1;
  }
  const { policy, validated } = loaded;
  if (flags.format === 'graph') {
    out(JSON.stringify(toGraph({ channel: policy.channel, name: policy.name, description: policy.description, settings: validated.settings }), null, 2));
  } else if (flags.format === 'appconfig') {
    const values: Record<string, ConfigValue> = {};
    for (const s of validated.settings) {
      const parsed = parseKeyValue(keySpec(s.key)!, s.value);
      if (parsed.ok) values[s.key] = parsed.value;
    }
    process.stdout.write(toSpecfile({ bundleId: flags.bundleId, values }));
  } else if (flags.format === 'plist') {
    process.stdout.write(toPlist(validated.settings.map((s) => ({ key: s.key, type: plistType(s.type), value: s.value }))));
  } else {
    err(`--format must be graph, appconfig or plist, not ${flags.format}`);
    return 1;
  }
  return 0;
}

function sourceText(setting: ResolvedSetting): string {
  if (setting.source.kind === 'default') return 'default';
  return setting.source.policies.map((p) => `policy "${p.name}" (${p.channel.toUpperCase()}, via ${p.via.join(', ')})`).join('; ');
}

/** The resolved configuration as an aligned table, then conflicts and warnings. */
export function explainTable(config: DeviceConfigView): string {
  const conflicted = new Set(config.conflicts.map((c) => c.key));
  const rows = [['KEY', 'VALUE', 'SOURCE'], ...config.settings.map((s) => [s.key, String(s.value), sourceText(s) + (conflicted.has(s.key) ? ' (conflict: default kept)' : '')])];
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = [`Device ${config.deviceId} (${config.management.toUpperCase()}), configuration version ${config.version}`, ''];
  lines.push(...rows.map((r) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`));
  if (config.conflicts.length > 0) {
    lines.push('', 'Conflicts:');
    for (const c of config.conflicts) lines.push(`  ${c.message}: ${c.policies.map((p) => `"${p.name}" (${p.channel.toUpperCase()}${p.value === undefined ? '' : ` = ${String(p.value)}`})`).join(', ')}`);
  }
  if (config.warnings.length > 0) lines.push('', 'Warnings:', ...config.warnings.map((w) => `  ${w.key}: ${w.message}`));
  return lines.join('\n');
}

export async function explainCommand(flags: { device: string; db?: string; tenant?: string; format: string }): Promise<void> {
  const config = await withStorage(flags.db, async (s) => deviceConfig(s, await tenantId(s, flags.tenant), flags.device));
  if (flags.format === 'json') out(JSON.stringify(config, null, 2));
  else if (flags.format === 'plist') process.stdout.write(toPlist(config.settings.map((s) => ({ key: s.key, type: plistType(keySpec(s.key)!.mdmType), value: s.value }))));
  else out(explainTable(config));
}
