// The database file: a header, the small JSON part (feed classes, indicators, brands), then the
// key table's arrays as they sit in memory, and a CRC-32. Loading checks the checksum and views
// the arrays in place: no parsing of a million entries, no rebuild.
import { FormatError, Reader, Writer } from './binary.js';
import { KeyTable } from './key-table.js';
import { ThreatDb, type ThreatDbMeta } from './threat-db.js';

/** Bump when the byte layout or the meaning of a field changes; old readers then refuse the file. */
export const THREAT_DB_FORMAT = 1;
const MAGIC = 0x42445442; // "BTDB" little-endian

export function writeTable(w: Writer, table: KeyTable): Writer {
  return w.u32(table.bits, table.size).u32Array(table.offsets).u32Array(table.fingerprints).bytes(table.payloads);
}

export function readTable(r: Reader): KeyTable {
  const bits = r.u32();
  const size = r.u32();
  if (bits < 1 || bits > 24) throw new FormatError(`bucket bits ${bits} out of range`);
  const offsets = r.u32Array(2 ** bits + 1);
  if (offsets[offsets.length - 1] !== size) throw new FormatError('bucket offsets do not add up to the entry count');
  return new KeyTable(bits, offsets, r.u32Array(size), r.bytesOf(size));
}

/** The database as bytes; the same database always gives the same bytes. */
export function serializeThreatDb(db: ThreatDb): Uint8Array {
  return writeTable(new Writer().u32(MAGIC, THREAT_DB_FORMAT, db.sequence).json(db.meta), db.table).finish();
}

/** Reads a serialised database; throws FormatError when any byte is wrong or the format is not this one. */
export function loadThreatDb(bytes: Uint8Array): ThreatDb {
  const r = new Reader(bytes, 'threat database');
  if (r.u32() !== MAGIC) throw new FormatError('not a Bulwark threat database');
  const format = r.u32();
  if (format !== THREAT_DB_FORMAT) throw new FormatError(`threat database format ${format}; this version reads ${THREAT_DB_FORMAT}`);
  const sequence = r.u32();
  const meta = r.json() as ThreatDbMeta;
  const table = readTable(r);
  r.done('threat database');
  return new ThreatDb(sequence, meta, table);
}

/** The CRC-32 a database file ends with, as 8 hex digits: names a version without reading it all. */
export function threatDbChecksum(bytes: Uint8Array): string {
  if (bytes.length < 4) throw new FormatError('not a threat database: too short');
  return new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true).toString(16).padStart(8, '0');
}
