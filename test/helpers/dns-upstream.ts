import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';

/**
 * A small authoritative server for tests and benchmarks: every name resolves (A 192.0.2.x,
 * AAAA 2001:db8::x, TTL 300) except names under `.invalid` (NXDOMAIN with an SOA) and
 * `big.test` (a TXT answer too large for plain UDP). Answers over UDP and TCP.
 */
export class TestUpstream {
  queries = 0;
  private udp = dgram.createSocket('udp4');
  private tcp = net.createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        const answer = this.answer(buf.subarray(2, 2 + len), true);
        buf = buf.subarray(2 + len);
        if (answer) socket.write(Buffer.concat([Buffer.from([answer.length >> 8, answer.length & 0xff]), answer]));
      }
    });
  });
  port = 0;
  /** When true, UDP queries are ignored (to test timeouts and failover). */
  silent = false;

  async start(): Promise<this> {
    this.udp.on('message', (msg, rinfo) => {
      if (this.silent) return;
      const answer = this.answer(msg, false);
      if (answer) this.udp.send(answer, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => this.udp.bind(0, '127.0.0.1', () => r()));
    this.port = this.udp.address().port;
    await new Promise<void>((r) => this.tcp.listen(this.port, '127.0.0.1', () => r()));
    return this;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  answer(msg: Buffer, tcp: boolean): Buffer | undefined {
    let query: Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return undefined;
    }
    this.queries++;
    const q = query.questions?.[0];
    if (!q) return undefined;
    const name = q.name.toLowerCase();
    const n = (name.length % 250) + 1;
    const answers: Answer[] = [];
    let rcode = 0;
    const authorities: Answer[] = [];
    if (name.endsWith('.invalid')) {
      rcode = 3;
      authorities.push({ type: 'SOA', name: 'invalid', ttl: 600, data: { mname: 'ns.invalid', rname: 'h.invalid', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60 } });
    } else if (q.type === 'A') answers.push({ type: 'A', name: q.name, ttl: 300, data: `192.0.2.${n}` });
    else if (q.type === 'AAAA') answers.push({ type: 'AAAA', name: q.name, ttl: 300, data: `2001:db8::${n.toString(16)}` });
    else if (q.type === 'TXT' && name === 'big.test') {
      for (let i = 0; i < 12; i++) answers.push({ type: 'TXT', name: q.name, ttl: 300, data: 'x'.repeat(200) });
    }
    const response = dnsPacket.encode({
      id: query.id,
      type: 'response',
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: query.questions,
      answers,
      authorities,
    });
    if (!tcp && response.length > 512) {
      return dnsPacket.encode({ id: query.id, type: 'response', flags: dnsPacket.TRUNCATED_RESPONSE | dnsPacket.RECURSION_AVAILABLE, questions: query.questions });
    }
    return response;
  }

  async stop(): Promise<void> {
    this.udp.close();
    await new Promise<void>((r) => this.tcp.close(() => r()));
  }
}
