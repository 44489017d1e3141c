import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Credential prefixes: `bwa` admin API token, `bwe` enrollment token, `bwd` device secret,
 * `bws` session. The prefix lets secret scanners recognise a leaked Bulwark credential.
 */
export type CredentialKind = 'bwa' | 'bwe' | 'bwd' | 'bws';

export interface IssuedCredential {
  id: string;
  secret: string;
  /** What the holder sends: `<kind>_<id>.<secret>`. */
  token: string;
}

/** Makes a credential: a public id (for the lookup) and 256 random bits (never stored). */
export function issueCredential(kind: CredentialKind, id: string = randomUUID()): IssuedCredential {
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `${kind}_${id}.${secret}` };
}

export function parseCredential(token: string, kind: CredentialKind): { id: string; secret: string } | undefined {
  const match = /^([a-z]{3})_([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match || match[1] !== kind) return undefined;
  return { id: match[2]!, secret: match[3]! };
}

// Passwords are guessable, so they get a memory-hard cost; random 256-bit secrets cannot be
// brute-forced, so a lighter scrypt keeps heartbeats and API calls cheap.
const COSTS = {
  password: { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 },
  secret: { N: 2 ** 12, r: 8, p: 1, maxmem: 16 * 1024 * 1024 },
} satisfies Record<string, ScryptOptions>;

function derive(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, 32, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash`, all base64url: self-describing, so costs can rise later. */
export async function hashSecret(secret: string, cost: keyof typeof COSTS): Promise<string> {
  const options = COSTS[cost];
  const salt = randomBytes(16);
  const key = await derive(secret, salt, options);
  return ['scrypt', options.N, options.r, options.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const N = Number(n);
  const key = await derive(secret, Buffer.from(salt, 'base64url'), { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) + 1024 * 1024 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A readable generated password for first start (about 120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url').replace(/(.{5})(?=.)/g, '$1-');
}

/** A digest for in-memory cache keys only; never stored. */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
