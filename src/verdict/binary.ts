// Little-endian binary sections with 4-byte alignment (so typed arrays can view the bytes in
// place) and a CRC-32 trailer, shared by the database file and its deltas.

const CRC_TABLES = (() => {
  const tables = Array.from({ length: 4 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 4; t++) tables[t]![n] = (tables[0]![tables[t - 1]![n]! & 0xff]! ^ (tables[t - 1]![n]! >>> 8)) >>> 0;
  }
  return tables as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
})();

/** CRC-32 (IEEE), four bytes a step: it catches every change of up to 32 consecutive bits. */
export function crc32(bytes: Uint8Array, end = bytes.length): number {
  const [t0, t1, t2, t3] = CRC_TABLES;
  let crc = 0xffffffff;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    crc ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    crc = t3[crc & 0xff]! ^ t2[(crc >>> 8) & 0xff]! ^ t1[(crc >>> 16) & 0xff]! ^ t0[crc >>> 24]!;
  }
  for (; i < end; i++) crc = t0[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export class FormatError extends Error {
  override name = 'FormatError';
}

/** Appends sections; `finish` adds the CRC-32 of everything before it. */
export class Writer {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const pad = (4 - (chunk.length % 4)) % 4;
    if (pad) {
      this.chunks.push(new Uint8Array(pad));
      this.length += pad;
    }
  }

  u32(...values: number[]): this {
    return this.u32Array(Uint32Array.from(values));
  }

  /** A length-prefixed UTF-8 JSON document. */
  json(value: unknown): this {
    const bytes = new TextEncoder().encode(JSON.stringify(value));
    this.u32(bytes.length);
    this.push(bytes);
    return this;
  }

  u32Array(values: Uint32Array): this {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    if (LITTLE_ENDIAN) this.push(bytes);
    else {
      const swapped = new Uint8Array(bytes.length);
      const view = new DataView(swapped.buffer);
      values.forEach((v, i) => view.setUint32(i * 4, v, true));
      this.push(swapped);
    }
    return this;
  }

  bytes(values: Uint8Array): this {
    this.push(values);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length + 4);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    new DataView(out.buffer).setUint32(at, crc32(out, at), true);
    return out;
  }
}

/** Reads what Writer wrote, after checking the checksum; arrays are views, not copies. */
export class Reader {
  private at = 0;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private readonly end: number;

  constructor(input: Uint8Array, what: string) {
    // Typed-array views need 4-byte alignment; a misaligned input is copied once.
    this.bytes = input.byteOffset % 4 === 0 ? input : input.slice();
    if (this.bytes.length < 8 || this.bytes.length % 4 !== 0) throw new FormatError(`${what}: truncated (${input.length} bytes)`);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.end = this.bytes.length - 4;
    if (crc32(this.bytes, this.end) !== this.view.getUint32(this.end, true)) throw new FormatError(`${what}: checksum mismatch (corrupted or truncated)`);
  }

  /** The stored checksum, which names this exact content. */
  get checksum(): number {
    return this.view.getUint32(this.end, true);
  }

  private take(length: number): number {
    const start = this.at;
    if (start + length > this.end) throw new FormatError('section runs past the end of the data');
    this.at = start + length + ((4 - (length % 4)) % 4);
    return start;
  }

  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  json(): unknown {
    const length = this.u32();
    const start = this.take(length);
    return JSON.parse(new TextDecoder().decode(this.bytes.subarray(start, start + length))) as unknown;
  }

  u32Array(count: number): Uint32Array {
    const start = this.take(count * 4);
    if (LITTLE_ENDIAN) return new Uint32Array(this.bytes.buffer, this.bytes.byteOffset + start, count);
    return Uint32Array.from({ length: count }, (_, i) => this.view.getUint32(start + i * 4, true));
  }

  bytesOf(count: number): Uint8Array {
    const start = this.take(count);
    return this.bytes.subarray(start, start + count);
  }

  done(what: string): void {
    if (this.at !== this.end) throw new FormatError(`${what}: ${this.end - this.at} unexpected bytes after the last section`);
  }
}
