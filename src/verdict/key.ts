// 64-bit keys for expressions (a host suffix, or a host suffix plus a path prefix), as two 32-bit
// halves. Host states are built right to left, so one pass over a host yields the state of every
// suffix at its dots; path states are built left to right, so one pass yields every prefix at
// its slashes. The same functions hash list entries at build time.

export const SEED_A = 0x811c9dc5;
export const SEED_B = 0x2545f491;

/** One character into half A (FNV-1a). */
export function stepA(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

/** One character into half B: a different multiplier and a rotation keep the halves independent. */
export function stepB(h: number, c: number): number {
  return Math.imul(((h << 5) | (h >>> 27)) ^ c, 0x9e3779b1);
}

/** Murmur3's finaliser: every input bit reaches every output bit. */
function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export const domainKeyA = (a: number): number => fmix(a ^ 0x68e31da4);
export const domainKeyB = (b: number): number => fmix(b ^ 0x1b56c4e9);
export const pathKeyA = (a: number, pa: number): number => fmix(a ^ Math.imul(pa, 0x85ebca6b) ^ 0x3c6ef372);
export const pathKeyB = (b: number, pb: number): number => fmix(b ^ Math.imul(pb, 0xc2b2ae35) ^ 0x7f4a7c15);

/** Raw states of a whole host, hashed right to left as the verdict walk does. */
export function hostState(host: string): [number, number] {
  let a = SEED_A;
  let b = SEED_B;
  for (let i = host.length - 1; i >= 0; i--) {
    const c = host.charCodeAt(i);
    a = stepA(a, c);
    b = stepB(b, c);
  }
  return [a, b];
}

/** Raw states of a path prefix (or '/path?query'), hashed left to right. */
export function pathState(path: string): [number, number] {
  let a = SEED_A;
  let b = SEED_B;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    a = stepA(a, c);
    b = stepB(b, c);
  }
  return [a, b];
}

/** The key of a target: the host alone when path is '', else host and path. */
export function targetKey(host: string, path: string): [number, number] {
  const [a, b] = hostState(host);
  if (path === '') return [domainKeyA(a), domainKeyB(b)];
  const [pa, pb] = pathState(path);
  return [pathKeyA(a, pa), pathKeyB(b, pb)];
}

/** A key as one exact JavaScript number (53 of its 64 bits), for Map lookups. */
export function keyNumber(ka: number, kb: number): number {
  return ka * 0x200000 + (kb >>> 11);
}
