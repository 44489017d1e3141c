// The compact part of the threat database: a bucketed array of 32-bit fingerprints. A key's
// top `bits` bits pick the bucket (so they need not be stored); the other half is stored whole.
// Each entry costs 4 bytes of fingerprint + 1 byte of payload + ~0.3 byte of bucket offsets, and
// a key is told apart from others on bits + 32 bits (48 at a million entries).

/** Payload bits: the low 7 are a class number (0 = none), the top one says "path entries below this host". */
export const HAS_PATHS = 0x80;
export const CLASS_MASK = 0x7f;

/** Longest batch getMany takes: one key per host label. */
export const MAX_BATCH = 128;
const scanStart = new Uint32Array(MAX_BATCH);
const scanEnd = new Uint32Array(MAX_BATCH);

export class KeyTable {
  private readonly shift: number;

  constructor(
    readonly bits: number,
    /** Start of each bucket in `fingerprints`; length 2^bits + 1. */
    readonly offsets: Uint32Array,
    readonly fingerprints: Uint32Array,
    readonly payloads: Uint8Array,
  ) {
    this.shift = 32 - bits;
  }

  get size(): number {
    return this.fingerprints.length;
  }

  /** The payload stored for a key, or 0. */
  get(ka: number, kb: number): number {
    const bucket = ka >>> this.shift;
    const fps = this.fingerprints;
    for (let i = this.offsets[bucket] ?? 0, end = this.offsets[bucket + 1] ?? 0; i < end; i++) {
      const fp = fps[i] ?? 0;
      if (fp === kb) return this.payloads[i] ?? 0;
      if (fp > kb) return 0;
    }
    return 0;
  }

  /**
   * Looks up `count` keys at once into `out`: all bucket offsets first, then all fingerprint
   * runs, so the memory reads of different keys overlap instead of waiting on each other.
   */
  getMany(count: number, ka: Int32Array, kb: Int32Array, out: Int32Array): void {
    const offsets = this.offsets;
    const fps = this.fingerprints;
    for (let k = 0; k < count; k++) {
      const bucket = (ka[k] ?? 0) >>> this.shift;
      scanStart[k] = offsets[bucket] ?? 0;
      scanEnd[k] = offsets[bucket + 1] ?? 0;
    }
    for (let k = 0; k < count; k++) {
      const want = (kb[k] ?? 0) >>> 0;
      let payload = 0;
      for (let i = scanStart[k] ?? 0, end = scanEnd[k] ?? 0; i < end; i++) {
        const fp = fps[i] ?? 0;
        if (fp >= want) {
          if (fp === want) payload = this.payloads[i] ?? 0;
          break;
        }
      }
      out[k] = payload;
    }
  }

  /** The bucket of entry i (entries are in bucket order). */
  bucketOf(i: number): number {
    let lo = 0;
    let hi = this.offsets.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.offsets[mid] ?? 0) <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Bucket count for n keys: about 12 keys a bucket (a cache line or two of fingerprints), at least 16 buckets. */
export function bucketBitsFor(n: number): number {
  return Math.max(4, Math.min(24, Math.round(Math.log2(Math.max(n, 1) / 12))));
}

/**
 * Builds a table from unsorted keys in O(n): a counting sort on the bucket, then an insertion
 * sort of each small bucket by fingerprint. Equal keys become one entry whose payload is
 * `merge(first, second)`.
 */
export function buildKeyTable(
  bits: number,
  count: number,
  buckets: Uint32Array,
  fingerprints: Uint32Array,
  payloads: Uint8Array,
  merge: (x: number, y: number) => number,
): KeyTable {
  const bucketCount = 2 ** bits;
  const starts = new Uint32Array(bucketCount + 1);
  for (let i = 0; i < count; i++) starts[(buckets[i] ?? 0) + 1]!++;
  for (let b = 0; b < bucketCount; b++) starts[b + 1]! += starts[b] ?? 0;
  const fill = starts.slice(0, bucketCount);
  const fps = new Uint32Array(count);
  const pay = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const at = fill[buckets[i] ?? 0]!++;
    fps[at] = fingerprints[i] ?? 0;
    pay[at] = payloads[i] ?? 0;
  }
  const offsets = new Uint32Array(bucketCount + 1);
  let out = 0;
  for (let b = 0; b < bucketCount; b++) {
    const start = starts[b] ?? 0;
    const end = starts[b + 1] ?? 0;
    for (let i = start + 1; i < end; i++) {
      const fp = fps[i] ?? 0;
      const p = pay[i] ?? 0;
      let j = i - 1;
      while (j >= start && (fps[j] ?? 0) > fp) {
        fps[j + 1] = fps[j] ?? 0;
        pay[j + 1] = pay[j] ?? 0;
        j--;
      }
      fps[j + 1] = fp;
      pay[j + 1] = p;
    }
    offsets[b] = out;
    for (let i = start; i < end; i++) {
      if (out > offsets[b]! && fps[out - 1] === fps[i]) {
        pay[out - 1] = merge(pay[out - 1] ?? 0, pay[i] ?? 0);
      } else {
        fps[out] = fps[i] ?? 0;
        pay[out] = pay[i] ?? 0;
        out++;
      }
    }
  }
  offsets[bucketCount] = out;
  return new KeyTable(bits, offsets, fps.slice(0, out), pay.slice(0, out));
}
