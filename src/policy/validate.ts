import type { AppConfigPolicyInput, MdmValueType, PolicyIssue, StoredSetting } from '../protocol/index.js';
import { KEY_CATALOG, keySpec } from './catalog.js';
import { parsePlistDict } from './plist.js';
import { didYouMean } from './suggest.js';
import { parseKeyValue } from './values.js';

export interface ValidatedAppConfig {
  /** Canonical key names, values as entered; empty when there are errors. */
  settings: StoredSetting[];
  errors: PolicyIssue[];
  warnings: PolicyIssue[];
}

const CATALOG_KEYS = KEY_CATALOG.map((s) => s.key);

/** `policy "Name": Key: message`, the one way issues are printed (CLI, API messages). */
export function formatIssue(issue: PolicyIssue): string {
  return `policy "${issue.policy}": ${issue.key ? `${issue.key}: ` : ''}${issue.message}`;
}

interface RawSetting {
  key: string;
  type?: MdmValueType;
  value: string | number | boolean;
}

/** The settings of a policy as written: designer rows, or the XML form for MDM. */
function rawSettings(input: AppConfigPolicyInput): RawSetting[] | string {
  if (input.channel === 'mam' || input.plistXml === undefined) return input.settings;
  if (input.settings.length > 0) return 'give either settings or plistXml, not both';
  const parsed = parsePlistDict(input.plistXml);
  return parsed.ok ? parsed.entries : parsed.problem;
}

/**
 * Checks every setting of an app-configuration policy against the catalog: known key (else a
 * did-you-mean), each key once, a value that parses for its type, well-formed tokens. A key the
 * policy's channel cannot deliver is a warning: it is kept but has no effect there.
 */
export function validateAppConfigPolicy(input: AppConfigPolicyInput): ValidatedAppConfig {
  const policy = input.name;
  const errors: PolicyIssue[] = [];
  const warnings: PolicyIssue[] = [];
  const raw = rawSettings(input);
  if (typeof raw === 'string') return { settings: [], errors: [{ severity: 'error', policy, message: raw }], warnings };

  const settings: StoredSetting[] = [];
  const seen = new Map<string, number>();
  raw.forEach((setting, index) => {
    const spec = keySpec(setting.key);
    if (!spec) {
      errors.push({ severity: 'error', policy, key: setting.key, message: `unknown key${didYouMean(setting.key, CATALOG_KEYS)}` });
      return;
    }
    const first = seen.get(spec.key);
    if (first !== undefined) {
      errors.push({ severity: 'error', policy, key: spec.key, message: `set twice (settings ${first + 1} and ${index + 1}); keep one` });
      return;
    }
    seen.set(spec.key, index);
    const declared = input.channel === 'mdm' ? setting.type : undefined;
    const parsed = parseKeyValue(spec, setting.value, declared);
    if (!parsed.ok) {
      errors.push({ severity: 'error', policy, key: spec.key, message: parsed.problem });
      return;
    }
    if (!spec.channels.includes(input.channel)) {
      warnings.push({ severity: 'warning', policy, key: spec.key, message: `has no effect through ${input.channel.toUpperCase()}: the app reads it from MDM app configuration only` });
    }
    // MAM delivers strings only; MDM keeps the designer's type (or the catalog's).
    settings.push({ key: spec.key, type: input.channel === 'mam' ? 'String' : (declared ?? spec.mdmType), value: String(setting.value).trim() });
  });
  return { settings: errors.length > 0 ? [] : settings, errors, warnings };
}
