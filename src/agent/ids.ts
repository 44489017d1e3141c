import type { RandomSource } from './adapter.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A random id in the ReportId / LocalRef alphabet. 22 characters of 64 symbols is 132 bits:
 * unique per device without coordination, given a good random source.
 */
export function randomId(random: RandomSource, length = 22): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET[Math.floor(random.next() * ALPHABET.length)] ?? 'A';
  return id;
}
