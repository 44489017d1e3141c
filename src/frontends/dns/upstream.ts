import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { setId, WireError } from './wire.js';

/** `1.1.1.1`, `1.1.1.1:53`, `udp://…`, `tcp://…`, `[::1]:5300`, or `https://…/dns-query` (DoH). */
export type UpstreamSpec = string;

export interface Upstream {
  readonly label: string;
  /** Sends a query (its id will be replaced) and resolves with the response under the same id. */
  query(message: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  close(): void;
}

function hostPort(spec: string, defaultPort: number): { host: string; port: number } {
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec) ?? /^([^:]+)(?::(\d+))?$/.exec(spec);
  if (!match) throw new Error(`upstream ${spec}: expected host, host:port or [ipv6]:port`);
  const port = match[2] ? Number(match[2]) : defaultPort;
  if (!(port > 0 && port < 65536)) throw new Error(`upstream ${spec}: bad port`);
  return { host: match[1]!, port };
}

const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/** Checks that an answer belongs to our question: same question bytes, letter case aside. */
function sameQuestion(query: Uint8Array, response: Uint8Array): boolean {
  let end = 12;
  while (end < query.length && query[end] !== 0) end += query[end]! + 1;
  end += 5;
  if (response.length < end || response[4] !== query[4] || response[5] !== query[5]) return false;
  for (let i = 12; i < end; i++) if (lower(query[i]!) !== lower(response[i]!)) return false;
  return true;
}

class UdpUpstream implements Upstream {
  private socket: dgram.Socket | undefined;
  private readonly pending = new Map<number, { query: Uint8Array; resolve: (r: Uint8Array) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  constructor(
    private readonly host: string,
    private readonly port: number,
    readonly label: string,
  ) {}

  private open(): dgram.Socket {
    if (this.socket) return this.socket;
    const socket = dgram.createSocket(net.isIPv6(this.host) ? 'udp6' : 'udp4');
    socket.on('message', (msg, rinfo) => {
      // Only the upstream's address, a pending id and our own question are accepted: a spoofed
      // answer needs all three.
      if (rinfo.port !== this.port || msg.length < 12) return;
      const id = msg.readUInt16BE(0);
      const waiting = this.pending.get(id);
      if (!waiting || !sameQuestion(waiting.query, msg)) return;
      this.pending.delete(id);
      clearTimeout(waiting.timer);
      waiting.resolve(msg);
    });
    socket.on('error', () => {
      for (const [id, waiting] of this.pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new Error(`${this.label}: socket error`));
        this.pending.delete(id);
      }
    });
    socket.unref();
    this.socket = socket;
    return socket;
  }

  query(message: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const socket = this.open();
    let id = randomInt(0, 65536);
    while (this.pending.has(id)) id = randomInt(0, 65536);
    const out = Buffer.from(message);
    setId(out, id);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { query: out, resolve, reject, timer });
      socket.send(out, this.port, this.host, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}

/** One TCP connection per query: TCP is the fallback for truncated answers, not the hot path. */
export function tcpQuery(host: string, port: number, message: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buffered = Buffer.alloc(0);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`tcp ${host}:${port}: no answer in ${timeoutMs} ms`)));
    socket.on('error', fail);
    socket.on('connect', () => {
      const frame = Buffer.alloc(2 + message.length);
      frame.writeUInt16BE(message.length, 0);
      frame.set(message, 2);
      socket.write(frame);
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        socket.end();
        resolve(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
      }
    });
    socket.on('end', () => reject(new Error(`tcp ${host}:${port}: closed before answering`)));
  });
}

class TcpUpstream implements Upstream {
  constructor(
    private readonly host: string,
    private readonly port: number,
    readonly label: string,
  ) {}
  query(message: Uint8Array, timeoutMs: number) {
    return tcpQuery(this.host, this.port, message, timeoutMs);
  }
  close() {}
}

class DohUpstream implements Upstream {
  constructor(readonly label: string) {}
  async query(message: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const id = (message[0]! << 8) | message[1]!;
    const out = Buffer.from(message);
    // RFC 8484 asks for id 0 so answers stay cacheable by HTTP caches.
    setId(out, 0);
    const res = await fetch(this.label, {
      method: 'POST',
      headers: { 'content-type': 'application/dns-message', accept: 'application/dns-message' },
      body: out,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200) throw new Error(`${this.label}: HTTP ${res.status}`);
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.length < 12) throw new WireError(`${this.label}: short answer`);
    setId(body, id);
    return body;
  }
  close() {}
}

export function createUpstream(spec: UpstreamSpec): Upstream {
  if (/^https:\/\//i.test(spec)) return new DohUpstream(spec);
  const tcp = /^tcp:\/\//i.test(spec);
  const { host, port } = hostPort(spec.replace(/^(udp|tcp):\/\//i, ''), 53);
  if (net.isIP(host) === 0) throw new Error(`upstream ${spec}: give an IP address (a name would need a resolver to reach the resolver)`);
  const label = `${tcp ? 'tcp' : 'udp'}://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  if (tcp) return new TcpUpstream(host, port, label);
  const udp = new UdpUpstream(host, port, label);
  // A truncated UDP answer is asked again over TCP, as a stub resolver would.
  return {
    label,
    async query(message, timeoutMs) {
      const answer = await udp.query(message, timeoutMs);
      if ((answer[2]! & 0x02) === 0) return answer;
      const full = await tcpQuery(host, port, message, timeoutMs);
      setId(full, (message[0]! << 8) | message[1]!);
      return full;
    },
    close: () => udp.close(),
  };
}

export interface ResolverOptions {
  timeoutMs: number;
  /** Extra tries per upstream before failing over to the next. */
  retries: number;
  /** How long a failing upstream is passed over while others answer. */
  penaltyMs: number;
}

/** Upstreams in order of preference, with retries and failover. */
export class UpstreamPool {
  private readonly failedUntil: number[];
  constructor(
    private readonly upstreams: Upstream[],
    private readonly options: ResolverOptions = { timeoutMs: 1500, retries: 1, penaltyMs: 30_000 },
  ) {
    if (upstreams.length === 0) throw new Error('at least one upstream resolver is needed');
    this.failedUntil = upstreams.map(() => 0);
  }

  async query(message: Uint8Array): Promise<Uint8Array> {
    const now = Date.now();
    // Healthy upstreams first, in configured order; penalised ones still get a last chance.
    const order = this.upstreams.map((_, i) => i).sort((a, b) => Number(this.failedUntil[a]! > now) - Number(this.failedUntil[b]! > now));
    let lastError: unknown;
    for (const i of order) {
      for (let attempt = 0; attempt <= this.options.retries; attempt++) {
        try {
          const answer = await this.upstreams[i]!.query(message, this.options.timeoutMs);
          this.failedUntil[i] = 0;
          return answer;
        } catch (err) {
          lastError = err;
        }
      }
      this.failedUntil[i] = Date.now() + this.options.penaltyMs;
    }
    throw lastError instanceof Error ? lastError : new Error('every upstream failed');
  }

  close(): void {
    for (const u of this.upstreams) u.close();
  }
}
