import net from 'node:net';
import { DnsCache } from './cache.js';
import { listenUdp, type UdpIo, type UdpListener } from './udp.js';
import { createUpstream, UpstreamPool, type ResolverOptions } from './upstream.js';
import { adoptQuery, CLASS_IN, parseQuery, RCODE, TYPE_A, TYPE_AAAA, WireError, type QueryInfo } from './wire.js';

/** What the filter does with a name: the caller's verdict, passed back to `onBlocked`. */
export interface DnsDecision {
  block: boolean;
}

export interface DnsFilterOptions<D extends DnsDecision> {
  host: string;
  port: number;
  upstreams: string[];
  /** Domain-only verdict for a query name (lower case, no trailing dot). */
  decide(name: string): D;
  /** `nxdomain`: blocked names do not exist; `address`: A/AAAA point at the local block page. */
  blockMode: 'nxdomain' | 'address';
  blockAddress?: { v4: string; v6: string };
  onBlocked?(name: string, decision: D, type: number): void;
  resolver?: Partial<ResolverOptions>;
  cacheEntries?: number;
  /** How UDP is read and written (`auto`: batched recvmmsg where built, else Node's dgram). */
  udpIo?: UdpIo;
}

export interface DnsStats {
  queries: number;
  blocked: number;
  cacheHits: number;
  forwarded: number;
  upstreamFailures: number;
  malformed: number;
}

/** Seconds a blocked answer may be cached by the client: short, so unblocking applies soon. */
const BLOCK_TTL = 10;
const EDNS_UDP_SIZE = 1232;

function ipBytes(address: string): Uint8Array {
  if (net.isIPv4(address)) return Uint8Array.from(address.split('.').map(Number));
  if (!net.isIPv6(address)) throw new Error(`block address ${address} is not an IP address`);
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/**
 * Builds a response to `query` from scratch: its id and question echoed, the given rcode and
 * answer addresses, and an OPT record when the client spoke EDNS.
 */
export function synthesize(query: Uint8Array, info: QueryInfo | undefined, rcode: number, address?: Uint8Array): Buffer {
  const question = info ? query.subarray(info.questionStart, info.questionEnd) : new Uint8Array(0);
  const answer = address ? 12 + address.length : 0;
  const opt = info?.edns ? 11 : 0;
  // From Node's pool (no buffer of its own per answer); every byte is written below.
  const out = Buffer.allocUnsafe(12 + question.length + answer + opt);
  out[0] = query[0] ?? 0;
  out[1] = query[1] ?? 0;
  const rd = info?.recursionDesired ? 0x01 : 0;
  out[2] = 0x80 | ((info?.opcode ?? 0) << 3) | rd;
  out[3] = 0x80 | rcode;
  out.writeUInt16BE(info ? 1 : 0, 4);
  out.writeUInt16BE(address ? 1 : 0, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(opt ? 1 : 0, 10);
  out.set(question, 12);
  let pos = 12 + question.length;
  if (address && info) {
    out.writeUInt16BE(0xc00c, pos); // the name: a pointer to the question
    out.writeUInt16BE(info.type, pos + 2);
    out.writeUInt16BE(CLASS_IN, pos + 4);
    out.writeUInt32BE(BLOCK_TTL, pos + 6);
    out.writeUInt16BE(address.length, pos + 10);
    out.set(address, pos + 12);
    pos += answer;
  }
  if (opt) {
    out[pos] = 0; // root name
    out.writeUInt16BE(41, pos + 1);
    out.writeUInt16BE(EDNS_UDP_SIZE, pos + 3);
    // extended rcode, version, flags (DO echoed as the client set it), rdlength 0
    out.writeUInt32BE(info!.edns!.dnssecOk ? 0x8000 : 0, pos + 5);
    out.writeUInt16BE(0, pos + 9);
  }
  return out;
}

/** A truncated answer (header and question, TC set) tells a UDP client to ask again over TCP. */
function truncated(query: Uint8Array, info: QueryInfo): Buffer {
  const out = synthesize(query, info, RCODE.NOERROR);
  out[2] = out[2]! | 0x02;
  return out;
}

/**
 * The local DNS filter: domain-only verdicts for every query, blocked names answered locally,
 * everything else forwarded to the upstreams through a TTL-honouring cache. Malformed packets get
 * FORMERR when they carry a readable header and are dropped otherwise; nothing a client sends
 * stops the server.
 */
export class DnsFilter<D extends DnsDecision> {
  readonly stats: DnsStats = { queries: 0, blocked: 0, cacheHits: 0, forwarded: 0, upstreamFailures: 0, malformed: 0 };
  private readonly cache: DnsCache;
  private readonly pool: UpstreamPool;
  private udp: UdpListener | undefined;
  private tcp: net.Server | undefined;
  private readonly blockV4: Uint8Array;
  private readonly blockV6: Uint8Array;
  /** Identical questions waiting on the upstream share one forwarded query. */
  private readonly inflight = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly options: DnsFilterOptions<D>) {
    this.cache = new DnsCache({ maxEntries: options.cacheEntries ?? 20_000, maxTtlSeconds: 86_400 });
    this.pool = new UpstreamPool(options.upstreams.map(createUpstream), { timeoutMs: 1500, retries: 1, penaltyMs: 30_000, ...options.resolver });
    this.blockV4 = ipBytes(options.blockAddress?.v4 ?? '0.0.0.0');
    this.blockV6 = ipBytes(options.blockAddress?.v6 ?? '::');
  }

  /** The address both listeners are bound to (the port is real when 0 was asked for). */
  address(): { host: string; port: number } {
    return { host: this.options.host, port: this.udp!.port };
  }

  /** `recvmmsg` or `dgram`: which UDP path serves (see udp.ts). */
  get udpIo(): UdpListener['io'] | undefined {
    return this.udp?.io;
  }

  async start(): Promise<void> {
    const udp = await listenUdp(this.options.host, this.options.port, (message) => this.handle(message, 'udp'), this.options.udpIo);
    this.udp = udp;
    // TCP on the same port as UDP, as resolvers expect.
    const tcp = net.createServer((socket) => this.serveTcp(socket));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', (err) => {
        udp.close();
        reject(err);
      });
      tcp.listen(udp.port, this.options.host, () => resolve());
    });
    this.tcp = tcp;
  }

  async stop(): Promise<void> {
    this.udp?.close();
    this.pool.close();
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
  }

  private serveTcp(socket: net.Socket): void {
    let buffered = Buffer.alloc(0);
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > 70_000) return socket.destroy();
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const message = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        void Promise.resolve(this.handle(message, 'tcp')).then((answer) => {
          if (!answer || socket.destroyed) return;
          const frame = Buffer.alloc(2 + answer.length);
          frame.writeUInt16BE(answer.length, 0);
          frame.set(answer, 2);
          socket.write(frame);
        });
      }
    });
  }

  /**
   * The answer to one message (at once unless forwarded), or undefined to drop it. Never throws.
   * The message is only lent (the UDP reader reuses its buffer), so the forwarded path copies it.
   */
  handle(message: Uint8Array, transport: 'udp' | 'tcp'): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    this.stats.queries++;
    let info: QueryInfo;
    try {
      info = parseQuery(message);
    } catch (err) {
      this.stats.malformed++;
      // A readable query header earns a FORMERR; anything else (or a response) is dropped.
      if (!(err instanceof WireError) || message.length < 12 || message[2]! & 0x80) return undefined;
      return synthesize(message, undefined, RCODE.FORMERR);
    }
    if (info.opcode !== 0) return synthesize(message, info, RCODE.NOTIMP);

    const decision = this.options.decide(info.name);
    if (decision.block) {
      this.stats.blocked++;
      this.options.onBlocked?.(info.name, decision, info.type);
      if (this.options.blockMode === 'address' && (info.type === TYPE_A || info.type === TYPE_AAAA)) {
        return synthesize(message, info, RCODE.NOERROR, info.type === TYPE_A ? this.blockV4 : this.blockV6);
      }
      return synthesize(message, info, this.options.blockMode === 'nxdomain' ? RCODE.NXDOMAIN : RCODE.NOERROR);
    }

    const key = `${info.name}|${info.type}|${info.class}|${info.edns ? (info.edns.dnssecOk ? 'do' : 'e') : '-'}`;
    const limit = transport === 'tcp' ? 65_535 : (info.edns?.udpSize ?? 512);
    const fit = (answer: Uint8Array, query: Uint8Array) => (answer.length > limit ? truncated(query, info) : answer);
    const cached = this.cache.answer(key, message, info.questionStart, info.questionEnd, Date.now());
    if (cached) {
      this.stats.cacheHits++;
      return fit(cached, message);
    }
    const query = Buffer.from(message);
    return this.forward(key, query).then(
      (answer) => fit(adoptQuery(answer, query, info), query),
      () => {
        this.stats.upstreamFailures++;
        return synthesize(query, info, RCODE.SERVFAIL);
      },
    );
  }

  private async forward(key: string, message: Uint8Array): Promise<Uint8Array> {
    let pending = this.inflight.get(key);
    if (!pending) {
      this.stats.forwarded++;
      pending = this.pool.query(message).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
      const response = await pending;
      try {
        this.cache.put(key, response, Date.now());
      } catch {
        // An upstream answer we cannot walk is passed on but not cached.
      }
    }
    // Shared answers carry the first asker's id and question: copy before adapting.
    return Buffer.from(await pending);
  }
}
