import type { ConfigValue } from '../protocol/index.js';
import { KEY_CATALOG, type KeySpec } from './catalog.js';
import { escapeXml } from './xml.js';

// The AppConfig community specfile (managedAppConfiguration XML) describing every key, so MDM
// consoles that read specfiles render a form for Bulwark instead of free key/value rows.

export const DEFAULT_BUNDLE_ID = 'org.bulwark.agent';

const ELEMENT = { String: 'string', Integer: 'integer', Boolean: 'boolean', Real: 'real', Token: 'string' } as const;

/** The closed set of values a key takes, each with a label, or none. */
function choices(spec: KeySpec): Array<{ value: string; label: string }> | undefined {
  if (spec.allowed) return spec.allowed.map((a) => ({ value: String(a.value), label: a.label }));
  // Boolean keys typed String take the strings true/false: a select, not a checkbox.
  if (spec.kind === 'boolean' && spec.mdmType === 'String') return [{ value: 'true', label: 'true' }, { value: 'false', label: 'false' }];
  return undefined;
}

const lang = (text: string) => `<language value="en-US">${escapeXml(text)}</language>`;

function definition(spec: KeySpec, value: ConfigValue | undefined): string {
  const element = ELEMENT[spec.mdmType];
  const lines = [`    <${element} keyName="${escapeXml(spec.key)}">`];
  if (value !== undefined) lines.push(`      <defaultValue><value>${escapeXml(String(value))}</value></defaultValue>`);
  const values = choices(spec);
  if (values) lines.push(`      <constraint nullable="true"><values>${values.map((c) => `<value>${escapeXml(c.value)}</value>`).join('')}</values></constraint>`);
  else lines.push('      <constraint nullable="true"/>');
  lines.push(`    </${element}>`);
  return lines.join('\n');
}

function field(spec: KeySpec): string {
  const values = choices(spec);
  const type = spec.mdmType === 'Boolean' ? 'checkbox' : values ? 'select' : 'input';
  const channels = spec.channels.length === 1 ? ' (MDM only)' : '';
  const lines = [
    `    <field keyName="${escapeXml(spec.key)}" type="${type}">`,
    `      <label>${lang(spec.label)}</label>`,
    `      <description>${lang(spec.description + channels)}</description>`,
  ];
  if (values) lines.push(`      <options>${values.map((c) => `<option value="${escapeXml(c.value)}">${lang(c.label)}</option>`).join('')}</options>`);
  lines.push('    </field>');
  return lines.join('\n');
}

/**
 * The specfile for every catalog key. Defaults are those of an unsupervised device in a
 * commercial tenant, unless `values` (e.g. a policy's settings) gives one.
 */
export function toSpecfile(options: { bundleId?: string; values?: Record<string, ConfigValue> } = {}): string {
  const ctx = { supervised: false, governmentTenant: false };
  const definitions = KEY_CATALOG.map((spec) => definition(spec, options.values?.[spec.key] ?? (spec.mdmType === 'Token' ? `{{${spec.key}}}` : spec.defaultValue(ctx))));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<managedAppConfiguration xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://storage.googleapis.com/appconfig-media/appconfigschema.xsd">',
    '  <version>1</version>',
    `  <bundleId>${escapeXml(options.bundleId ?? DEFAULT_BUNDLE_ID)}</bundleId>`,
    '  <dict>',
    ...definitions,
    '  </dict>',
    '  <presentation defaultLocale="en-US">',
    ...KEY_CATALOG.map(field),
    '  </presentation>',
    '</managedAppConfiguration>',
    '',
  ].join('\n');
}
