// A minimal walker over DNS messages: it finds the byte offsets that dns-packet does not expose
// (the question's span, each record's TTL field) so cached answers can be re-sent with a new id,
// the client's own question (0x20 case) and decremented TTLs without decoding and encoding them.

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
export const TYPE_OPT = 41;
export const CLASS_IN = 1;

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export class WireError extends Error {}

export interface QueryInfo {
  id: number;
  opcode: number;
  /** Lower-case, no trailing dot; '' for the root. */
  name: string;
  type: number;
  class: number;
  /** Byte span of the (single) question, to echo it back exactly. */
  questionStart: number;
  questionEnd: number;
  /** EDNS: the client's UDP payload size and DO bit, or undefined without an OPT record. */
  edns: { udpSize: number; dnssecOk: boolean } | undefined;
  recursionDesired: boolean;
}

/** Skips a (possibly compressed) name; returns the offset after it. */
function skipName(buf: Uint8Array, offset: number): number {
  let pos = offset;
  for (let labels = 0; labels < 128; labels++) {
    if (pos >= buf.length) throw new WireError('name runs past the end');
    const len = buf[pos]!;
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new WireError('truncated compression pointer');
      return pos + 2;
    }
    if (len & 0xc0) throw new WireError('unknown label type');
    pos += 1 + len;
  }
  throw new WireError('too many labels');
}

/** Where the last name read by readName ended: a module slot, not an object per query. */
let nameEnd = 0;
/** The name being read, lower-cased, dots between labels; decoded to a string once. */
const scratch = Buffer.allocUnsafe(256);

/** The question name, lower case (ASCII only: RFC 4343), no trailing dot; sets nameEnd. */
function readName(buf: Uint8Array, offset: number): string {
  let pos = offset;
  let n = 0;
  for (;;) {
    if (pos >= buf.length) throw new WireError('name runs past the end');
    const len = buf[pos]!;
    if (len === 0) break;
    // Questions are not compressed in practice; refusing pointers here keeps parsing linear.
    if (len & 0xc0) throw new WireError('compressed or unknown label in the question');
    if (pos + 1 + len > buf.length) throw new WireError('label runs past the end');
    if (pos - offset + len + 1 > 255) throw new WireError('name longer than 255 bytes');
    if (n) scratch[n++] = 0x2e;
    for (let i = pos + 1; i <= pos + len; i++) {
      const c = buf[i]!;
      scratch[n++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
    }
    pos += 1 + len;
  }
  nameEnd = pos + 1;
  // latin1: bytes map to code points one to one.
  return scratch.toString('latin1', 0, n);
}

const u16 = (buf: Uint8Array, o: number) => (buf[o]! << 8) | buf[o + 1]!;

/** Reads a query's header, its one question and its EDNS record; throws WireError when malformed. */
export function parseQuery(buf: Uint8Array): QueryInfo {
  if (buf.length < 12) throw new WireError('shorter than a DNS header');
  const flags = u16(buf, 2);
  if (flags & 0x8000) throw new WireError('a response, not a query');
  const qdcount = u16(buf, 4);
  if (qdcount !== 1) throw new WireError(`${qdcount} questions; exactly one is supported`);
  const name = readName(buf, 12);
  const end = nameEnd;
  if (end + 4 > buf.length) throw new WireError('question runs past the end');
  const info: QueryInfo = {
    id: u16(buf, 0),
    opcode: (flags >> 11) & 0xf,
    name,
    type: u16(buf, end),
    class: u16(buf, end + 2),
    questionStart: 12,
    questionEnd: end + 4,
    edns: undefined,
    recursionDesired: (flags & 0x100) !== 0,
  };
  // Walk answers/authorities/additionals to find an OPT record.
  let pos = info.questionEnd;
  const records = u16(buf, 6) + u16(buf, 8) + u16(buf, 10);
  for (let i = 0; i < records; i++) {
    pos = skipName(buf, pos);
    if (pos + 10 > buf.length) throw new WireError('record header runs past the end');
    const type = u16(buf, pos);
    const rdlength = u16(buf, pos + 8);
    if (type === TYPE_OPT) info.edns = { udpSize: Math.max(512, u16(buf, pos + 2)), dnssecOk: (buf[pos + 6]! & 0x80) !== 0 };
    pos += 10 + rdlength;
    if (pos > buf.length) throw new WireError('record data runs past the end');
  }
  return info;
}

export interface ResponseShape {
  rcode: number;
  truncated: boolean;
  /** Offsets of the TTL fields of every record but OPT. */
  ttlOffsets: number[];
  /** Smallest TTL among answers, or for a negative answer the SOA's negative TTL (RFC 2308). */
  cacheTtl: number | undefined;
  questionStart: number;
  questionEnd: number;
}

const readU32 = (buf: Uint8Array, o: number) => ((buf[o]! << 24) >>> 0) + (buf[o + 1]! << 16) + (buf[o + 2]! << 8) + buf[o + 3]!;

/** Reads what caching needs from an upstream response; throws WireError when malformed. */
export function responseShape(buf: Uint8Array): ResponseShape {
  if (buf.length < 12) throw new WireError('shorter than a DNS header');
  const flags = u16(buf, 2);
  const qdcount = u16(buf, 4);
  const ancount = u16(buf, 6);
  const nscount = u16(buf, 8);
  const arcount = u16(buf, 10);
  let pos = 12;
  for (let i = 0; i < qdcount; i++) pos = skipName(buf, pos) + 4;
  const questionEnd = pos;
  const ttlOffsets: number[] = [];
  let answerTtl: number | undefined;
  let negativeTtl: number | undefined;
  for (let i = 0; i < ancount + nscount + arcount; i++) {
    pos = skipName(buf, pos);
    if (pos + 10 > buf.length) throw new WireError('record header runs past the end');
    const type = u16(buf, pos);
    const ttl = readU32(buf, pos + 4);
    const rdlength = u16(buf, pos + 8);
    if (type !== TYPE_OPT) {
      ttlOffsets.push(pos + 4);
      if (i < ancount) answerTtl = answerTtl === undefined ? ttl : Math.min(answerTtl, ttl);
      else if (i < ancount + nscount && type === 6 && rdlength >= 20) {
        // SOA: the negative TTL is min(record TTL, MINIMUM), MINIMUM being the last 4 bytes.
        negativeTtl = Math.min(ttl, readU32(buf, pos + 10 + rdlength - 4));
      }
    }
    pos += 10 + rdlength;
    if (pos > buf.length) throw new WireError('record data runs past the end');
  }
  const rcode = flags & 0xf;
  return {
    rcode,
    truncated: (flags & 0x200) !== 0,
    ttlOffsets,
    cacheTtl: ancount > 0 && rcode === RCODE.NOERROR ? answerTtl : negativeTtl,
    questionStart: 12,
    questionEnd,
  };
}

/** Sets the 16-bit message id in place. */
export function setId(buf: Uint8Array, id: number): void {
  buf[0] = id >> 8;
  buf[1] = id & 0xff;
}

/** Gives a response the query's id and its question bytes (same name, perhaps other case). */
export function adoptQuery(response: Uint8Array, query: Uint8Array, info: Pick<QueryInfo, 'questionStart' | 'questionEnd'>, responseQuestionStart = 12): Uint8Array {
  response[0] = query[0]!;
  response[1] = query[1]!;
  const question = query.subarray(info.questionStart, info.questionEnd);
  if (responseQuestionStart + question.length <= response.length) response.set(question, responseQuestionStart);
  return response;
}
