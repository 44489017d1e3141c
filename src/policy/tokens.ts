import { didYouMean } from './suggest.js';

/** What a device (and its user) is known by, for substituting tokens. Unknown facts are null. */
export interface TokenFacts {
  deviceId: string;
  tenantId: string;
  userPrincipalName: string | null;
  serialNumber: string | null;
  supervised: boolean;
  /** Facts from a directory Bulwark does not hold yet; tokens that need them are unavailable. */
  mail?: string | null;
  userId?: string | null;
  userName?: string | null;
  aadDeviceId?: string | null;
}

const upnLocalPart = (f: TokenFacts) => f.userPrincipalName?.split('@')[0] ?? null;

/** Every token an admin may use, lower-case, and how it is filled in for one device. */
const TOKEN_VALUES: Record<string, (f: TokenFacts) => string | null | undefined> = {
  userprincipalname: (f) => f.userPrincipalName,
  // Bulwark knows the sign-in account, which is the mail address unless a directory says otherwise.
  mail: (f) => f.mail ?? f.userPrincipalName,
  partialupn: upnLocalPart,
  accountid: (f) => f.tenantId,
  deviceid: (f) => f.deviceId,
  userid: (f) => f.userId,
  username: (f) => f.userName,
  serialnumber: (f) => f.serialNumber,
  serialnumberlast4digits: (f) => f.serialNumber?.slice(-4),
  aaddeviceid: (f) => f.aadDeviceId,
  issupervised: (f) => String(f.supervised),
};

export const TOKENS: readonly string[] = Object.keys(TOKEN_VALUES);

export type TemplatePart = { text: string } | { token: string };

export type ParsedTemplate = { ok: true; parts: TemplatePart[]; tokens: string[] } | { ok: false; problem: string };

/** Splits a value into text and `{{token}}` parts; token names are case-insensitive. */
export function parseTemplate(value: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const tokens: string[] = [];
  for (const piece of value.split(/(\{\{[^{}]*\}\})/)) {
    if (piece === '') continue;
    const match = /^\{\{(.*)\}\}$/.exec(piece);
    if (!match) {
      if (piece.includes('{{') || piece.includes('}}')) return { ok: false, problem: `malformed token in "${value}": every {{ needs a matching }}` };
      parts.push({ text: piece });
      continue;
    }
    const name = match[1]!.trim().toLowerCase();
    if (!(name in TOKEN_VALUES)) {
      return { ok: false, problem: `unknown token {{${match[1]}}}${didYouMean(name, TOKENS)}; tokens are ${TOKENS.map((t) => `{{${t}}}`).join(', ')}` };
    }
    parts.push({ token: name });
    tokens.push(name);
  }
  return { ok: true, parts, tokens };
}

export type Substitution = { ok: true; value: string } | { ok: false; missing: string[] };

/** Fills the tokens in for one device; fails naming the tokens whose facts are unknown. */
export function substitute(parts: readonly TemplatePart[], facts: TokenFacts): Substitution {
  const missing: string[] = [];
  let value = '';
  for (const part of parts) {
    if ('text' in part) {
      value += part.text;
      continue;
    }
    const filled = TOKEN_VALUES[part.token]!(facts);
    if (filled === null || filled === undefined || filled === '') missing.push(part.token);
    else value += filled;
  }
  return missing.length > 0 ? { ok: false, missing } : { ok: true, value };
}
