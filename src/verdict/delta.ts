// Deltas between two versions of a database, so a device downloads only what changed: the keys
// removed, the keys added or changed with their payloads, and the new JSON part. Applying a delta
// to the old bytes gives the new bytes exactly (the result's checksum is checked against the one
// the delta names).
import { FormatError, Reader, Writer } from './binary.js';
import { loadThreatDb, serializeThreatDb } from './format.js';
import { KeyTable } from './key-table.js';
import { ThreatDb, type ThreatDbMeta } from './threat-db.js';

const MAGIC = 0x44445442; // "BTDD"
const DELTA_FORMAT = 1;

/** Entries in (bucket, fingerprint) order, walked side by side. */
function compareEntries(x: KeyTable, i: number, bx: number, y: KeyTable, j: number, by: number): number {
  if (bx !== by) return bx < by ? -1 : 1;
  const fx = x.fingerprints[i] ?? 0;
  const fy = y.fingerprints[j] ?? 0;
  return fx === fy ? 0 : fx < fy ? -1 : 1;
}

/** Walks a table's entries in order with their bucket numbers. */
function* entries(table: KeyTable): Generator<[index: number, bucket: number]> {
  for (let bucket = 0; bucket + 1 < table.offsets.length; bucket++) {
    for (let i = table.offsets[bucket] ?? 0, end = table.offsets[bucket + 1] ?? 0; i < end; i++) yield [i, bucket];
  }
}

/**
 * The delta from `from` to `to`. Both must use the same bucket bits: build a new version with
 * `bucketBits: from.table.bits`, or ship it whole when it has outgrown them.
 */
export function createDelta(fromBytes: Uint8Array, to: ThreatDb): Uint8Array {
  const fromReader = new Reader(fromBytes, 'base database');
  const from = loadThreatDb(fromBytes);
  if (from.table.bits !== to.table.bits) {
    throw new Error(`bucket bits differ (${from.table.bits} → ${to.table.bits}); build the new version with bucketBits ${from.table.bits} or ship it whole`);
  }
  const toBytes = serializeThreatDb(to);
  const removed: number[] = [];
  const added: number[] = [];
  const addedPayloads: number[] = [];
  const x = entries(from.table);
  const y = entries(to.table);
  let ex = x.next();
  let ey = y.next();
  while (!ex.done || !ey.done) {
    const order = ex.done ? 1 : ey.done ? -1 : compareEntries(from.table, ex.value[0], ex.value[1], to.table, ey.value[0], ey.value[1]);
    if (order < 0 && !ex.done) {
      removed.push(ex.value[1], from.table.fingerprints[ex.value[0]] ?? 0);
      ex = x.next();
    } else if (order > 0 && !ey.done) {
      added.push(ey.value[1], to.table.fingerprints[ey.value[0]] ?? 0);
      addedPayloads.push(to.table.payloads[ey.value[0]] ?? 0);
      ey = y.next();
    } else if (!ex.done && !ey.done) {
      const payload = to.table.payloads[ey.value[0]] ?? 0;
      if ((from.table.payloads[ex.value[0]] ?? 0) !== payload) {
        added.push(ey.value[1], to.table.fingerprints[ey.value[0]] ?? 0);
        addedPayloads.push(payload);
      }
      ex = x.next();
      ey = y.next();
    }
  }
  return new Writer()
    .u32(MAGIC, DELTA_FORMAT, fromReader.checksum, new Reader(toBytes, 'new database').checksum, to.sequence, to.table.bits)
    .json(to.meta)
    .u32(removed.length / 2)
    .u32Array(Uint32Array.from(removed))
    .u32(added.length / 2)
    .u32Array(Uint32Array.from(added))
    .bytes(Uint8Array.from(addedPayloads))
    .finish();
}

/** old + delta = new, byte for byte; throws FormatError when the delta is for another base or anything is corrupt. */
export function applyDelta(fromBytes: Uint8Array, deltaBytes: Uint8Array): Uint8Array {
  const d = new Reader(deltaBytes, 'delta');
  if (d.u32() !== MAGIC) throw new FormatError('not a Bulwark threat database delta');
  const format = d.u32();
  if (format !== DELTA_FORMAT) throw new FormatError(`delta format ${format}; this version reads ${DELTA_FORMAT}`);
  const fromChecksum = d.u32();
  const toChecksum = d.u32();
  const sequence = d.u32();
  const bits = d.u32();
  const meta = d.json() as ThreatDbMeta;
  const removed = d.u32Array(d.u32() * 2);
  const addedCount = d.u32();
  const added = d.u32Array(addedCount * 2);
  const payloads = d.bytesOf(addedCount);
  d.done('delta');

  if (new Reader(fromBytes, 'base database').checksum !== fromChecksum) throw new FormatError('this delta was made for another base version');
  const from = loadThreatDb(fromBytes).table;
  if (from.bits !== bits) throw new FormatError('delta and base disagree on bucket bits');

  const bucketCount = 2 ** bits;
  const capacity = from.size + addedCount;
  const fps = new Uint32Array(capacity);
  const pay = new Uint8Array(capacity);
  const offsets = new Uint32Array(bucketCount + 1);
  let out = 0;
  let r = 0;
  let a = 0;
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    offsets[bucket] = out;
    let i = from.offsets[bucket] ?? 0;
    const end = from.offsets[bucket + 1] ?? 0;
    for (;;) {
      const oldFp = i < end ? (from.fingerprints[i] ?? 0) : Infinity;
      const newFp = a < addedCount && added[2 * a] === bucket ? (added[2 * a + 1] ?? 0) : Infinity;
      if (oldFp === Infinity && newFp === Infinity) break;
      if (r * 2 < removed.length && removed[2 * r] === bucket && removed[2 * r + 1] === oldFp) {
        r++;
        i++;
        continue;
      }
      if (newFp <= oldFp) {
        fps[out] = newFp;
        pay[out++] = payloads[a++] ?? 0;
        if (newFp === oldFp) i++;
      } else {
        fps[out] = oldFp;
        pay[out++] = from.payloads[i++] ?? 0;
      }
    }
  }
  offsets[bucketCount] = out;
  if (r * 2 !== removed.length || a !== addedCount) throw new FormatError('delta entries do not fit the base database');
  const table = new KeyTable(bits, offsets, fps.slice(0, out), pay.slice(0, out));
  const result = serializeThreatDb(new ThreatDb(sequence, meta, table));
  if (new Reader(result, 'patched database').checksum !== toChecksum) throw new FormatError('the patched database does not match the version the delta names');
  return result;
}
