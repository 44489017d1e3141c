import type { ConfigValue, MdmValueType } from '../protocol/index.js';
import type { KeySpec } from './catalog.js';
import { parseTemplate, type TemplatePart } from './tokens.js';

/**
 * A value parsed for its key. `template` is set when the value holds tokens: it is then
 * substituted per device, and `value` is the text as written.
 */
export type ParsedValue = { ok: true; value: ConfigValue; template?: TemplatePart[] } | { ok: false; problem: string };

const MAX_STRING = 1024;

/** The MDM value types a configuration designer may use for this key. */
export function acceptedTypes(spec: KeySpec): readonly MdmValueType[] {
  if (spec.mdmType === 'Token') return ['Token', 'String', 'Boolean'];
  if (spec.kind === 'boolean') return ['String', 'Boolean'];
  if (spec.kind === 'integer') return ['Integer', 'String'];
  return ['String', 'Token'];
}

const show = (raw: string | number | boolean) => (typeof raw === 'string' ? `"${raw}"` : String(raw));

function parseBoolean(raw: string | number | boolean): ParsedValue {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  const text = String(raw).trim().toLowerCase();
  if (text === 'true' || text === 'false') return { ok: true, value: text === 'true' };
  return { ok: false, problem: `must be true or false (any case), not ${show(raw)}` };
}

function parseInteger(spec: KeySpec, raw: string | number | boolean): ParsedValue {
  const text = typeof raw === 'boolean' ? '' : String(raw).trim();
  const allowed = spec.allowed ?? [];
  const expected = allowed.length > 0 ? `one of ${allowed.map((a) => `${a.value} (${a.label})`).join(', ')}` : 'a whole number';
  if (!/^[+-]?\d{1,9}$/.test(text)) return { ok: false, problem: `must be ${expected}, not ${show(raw)}` };
  const value = Number(text);
  if (allowed.length > 0 && !allowed.some((a) => a.value === value)) return { ok: false, problem: `must be ${expected}, not ${show(raw)}` };
  return { ok: true, value };
}

function parseString(raw: string | number | boolean): ParsedValue {
  const text = String(raw).trim();
  if (text === '') return { ok: false, problem: 'must not be empty; remove the key instead' };
  if (text.length > MAX_STRING) return { ok: false, problem: `must be at most ${MAX_STRING} characters` };
  const template = parseTemplate(text);
  if (!template.ok) return { ok: false, problem: template.problem };
  return template.tokens.length > 0 ? { ok: true, value: text, template: template.parts } : { ok: true, value: text };
}

/** A token key (`issupervised`) takes its token, or a literal true/false. */
function parseTokenKey(spec: KeySpec, raw: string | number | boolean): ParsedValue {
  if (typeof raw === 'string' && raw.includes('{{')) {
    const template = parseTemplate(raw.trim());
    if (!template.ok) return { ok: false, problem: template.problem };
    if (template.parts.length !== 1 || template.tokens[0] !== spec.key.toLowerCase()) {
      return { ok: false, problem: `must be the token {{${spec.key}}}, not ${show(raw)}` };
    }
    return { ok: true, value: raw.trim(), template: template.parts };
  }
  return parseBoolean(raw);
}

/**
 * Parses a value for `spec` as delivered through MDM or MAM: case-insensitive booleans,
 * integers within the key's allowed set, strings with optional tokens. `declared` is the
 * MDM value type the admin picked, if any.
 */
export function parseKeyValue(spec: KeySpec, raw: string | number | boolean, declared?: MdmValueType): ParsedValue {
  if (declared && !acceptedTypes(spec).includes(declared)) {
    return { ok: false, problem: `value type ${declared} does not fit this key; use ${acceptedTypes(spec).join(' or ')}` };
  }
  if (declared === 'Token' && spec.mdmType !== 'Token' && !(typeof raw === 'string' && raw.includes('{{'))) {
    return { ok: false, problem: `value type Token needs a {{token}}, not ${show(raw)}` };
  }
  if (spec.mdmType === 'Token') return parseTokenKey(spec, raw);
  if (spec.kind === 'boolean') return parseBoolean(raw);
  if (spec.kind === 'integer') return parseInteger(spec, raw);
  return parseString(raw);
}
