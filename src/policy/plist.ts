import type { ConfigValue, MdmValueType } from '../protocol/index.js';
import { escapeXml, parseXml, type XmlElement } from './xml.js';

/** One key of a plist dictionary, typed as an MDM configuration designer would type it. */
export interface PlistEntry {
  key: string;
  type: MdmValueType;
  value: string;
}

export type PlistResult = { ok: true; entries: PlistEntry[] } | { ok: false; problem: string };

const SCALARS: Record<string, MdmValueType> = { string: 'String', integer: 'Integer', real: 'Real', true: 'Boolean', false: 'Boolean' };

function entryValue(key: string, element: XmlElement): PlistEntry | string {
  const type = SCALARS[element.name];
  if (!type) return `key ${key}: <${element.name}> values are not app-configuration values (use string, integer, real, true or false)`;
  if (element.name === 'true' || element.name === 'false') return { key, type, value: element.name };
  const value = element.text.trim();
  if (type === 'Integer' && !/^[+-]?\d+$/.test(value)) return `key ${key}: <integer> holds "${value}", not a whole number`;
  if (type === 'Real' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return `key ${key}: <real> holds "${value}", not a number`;
  return { key, type, value: element.name === 'string' ? element.text : value };
}

/**
 * Reads the XML form of an app configuration: a `<dict>` of keys and scalar values, alone or
 * inside `<plist>` (both are what MDM consoles accept).
 */
export function parsePlistDict(xml: string): PlistResult {
  const parsed = parseXml(xml);
  if (!parsed.ok) return parsed;
  let dict = parsed.root;
  if (dict.name === 'plist') {
    if (dict.children.length !== 1 || dict.children[0]!.name !== 'dict') return { ok: false, problem: 'malformed plist: <plist> must hold exactly one <dict>' };
    dict = dict.children[0]!;
  }
  if (dict.name !== 'dict') return { ok: false, problem: `malformed plist: expected <dict> or <plist>, found <${dict.name}>` };
  const entries: PlistEntry[] = [];
  const children = dict.children;
  for (let i = 0; i < children.length; i += 2) {
    const keyElement = children[i]!;
    if (keyElement.name !== 'key') return { ok: false, problem: `malformed plist: line ${keyElement.line}: expected <key>, found <${keyElement.name}>` };
    const key = keyElement.text.trim();
    const valueElement = children[i + 1];
    if (!valueElement) return { ok: false, problem: `malformed plist: key ${key} has no value` };
    const entry = entryValue(key, valueElement);
    if (typeof entry === 'string') return { ok: false, problem: `malformed plist: ${entry}` };
    entries.push(entry);
  }
  return { ok: true, entries };
}

function valueElement(type: MdmValueType, value: ConfigValue): string {
  if (type === 'Boolean') return value === true || String(value).toLowerCase() === 'true' ? '<true/>' : '<false/>';
  if (type === 'Integer') return `<integer>${String(value)}</integer>`;
  if (type === 'Real') return `<real>${String(value)}</real>`;
  return `<string>${escapeXml(String(value))}</string>`;
}

/** An Apple XML property list of these keys, each as the element its MDM value type calls for. */
export function toPlist(entries: ReadonlyArray<{ key: string; type: MdmValueType; value: ConfigValue }>): string {
  const body = entries.map((e) => `\t<key>${escapeXml(e.key)}</key>\n\t${valueElement(e.type, e.value)}`).join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    ...(body ? [body] : []),
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
