import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsFilter } from '../src/frontends/dns/server.js';
import { TestUpstream } from '../test/helpers/dns-upstream.js';
import { dig } from './helpers/dig.js';

const LISTED = new Set(['phish.example', 'malware.test']);
// A plain suffix walk stands in for the verdict engine: this suite is about the DNS plumbing.
function decide(name: string) {
  const labels = name.split('.');
  for (let i = 0; i < labels.length - 1; i++) if (LISTED.has(labels.slice(i).join('.'))) return { block: true, rule: labels.slice(i).join('.') };
  return { block: false, rule: '' };
}

// Both UDP paths: the batched native one (built on Linux by npm install) and Node's dgram.
describe.each(['recvmmsg', 'dgram'] as const)('DNS filter with dig, UDP through %s', (udpIo) => {
  let upstream: TestUpstream;
  let filter: DnsFilter<ReturnType<typeof decide>>;
  let port: number;
  const blocked: string[] = [];

  beforeAll(async () => {
    upstream = await new TestUpstream().start();
    filter = new DnsFilter({ host: '127.0.0.1', port: 0, upstreams: [upstream.address], decide, blockMode: 'nxdomain', udpIo, onBlocked: (name) => blocked.push(name) });
    await filter.start();
    expect(filter.udpIo).toBe(udpIo);
    port = filter.address().port;
  });
  afterAll(async () => {
    await filter.stop();
    await upstream.stop();
  });

  it('blocks a listed domain and its subdomain over UDP and TCP', async () => {
    expect((await dig(port, 'phish.example')).status).toBe('NXDOMAIN');
    expect((await dig(port, 'login.PHISH.example', 'AAAA')).status).toBe('NXDOMAIN');
    expect((await dig(port, 'cdn.malware.test', 'A', ['+tcp'])).status).toBe('NXDOMAIN');
    expect(blocked).toEqual(['phish.example', 'login.phish.example', 'cdn.malware.test']);
  });

  it('resolves an unlisted name through the upstream, then from the cache', async () => {
    const before = upstream.queries;
    const first = await dig(port, 'good.example');
    expect(first.status).toBe('NOERROR');
    expect(first.answers[0]).toMatch(/^A 192\.0\.2\.\d+$/);
    const again = await dig(port, 'GOOD.example', 'A', ['+tcp']);
    expect(again.answers[0]).toBe(first.answers[0]);
    expect(upstream.queries - before).toBe(1);
    expect(filter.stats.cacheHits).toBeGreaterThanOrEqual(1);
  });

  it('passes NXDOMAIN from upstream through, and honours EDNS', async () => {
    expect((await dig(port, 'nothing.invalid')).status).toBe('NXDOMAIN');
    const withEdns = await dig(port, 'edns.example', 'A', ['+edns=0', '+dnssec']);
    expect(withEdns.status).toBe('NOERROR');
  });

  it('sends a truncated answer over UDP for a large record, and the full one over TCP', async () => {
    const udp = await dig(port, 'big.test', 'TXT', ['+noedns', '+ignore']);
    expect(udp.flags).toContain('tc');
    const tcp = await dig(port, 'big.test', 'TXT', ['+tcp']);
    expect(tcp.answers).toHaveLength(12);
  });

  it('survives garbage and truncated packets: FORMERR or silence, then keeps answering', async () => {
    const socket = dgram.createSocket('udp4');
    const replies: Buffer[] = [];
    socket.on('message', (m) => replies.push(m));
    const garbage = [Buffer.from('not dns at all, just some bytes'), Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 0x61]), Buffer.from([1, 2])];
    for (const packet of garbage) socket.send(packet, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 300));
    socket.close();
    for (const reply of replies) expect(reply[3]! & 0x0f).toBe(1); // FORMERR
    expect(filter.stats.malformed).toBeGreaterThanOrEqual(3);
    expect((await dig(port, 'still-alive.example')).status).toBe('NOERROR');
  });

  it('answers SERVFAIL when every upstream is silent, and fails over to a live one', async () => {
    const dead = new TestUpstream();
    await dead.start();
    dead.silent = true;
    const lone = new DnsFilter({ host: '127.0.0.1', port: 0, upstreams: [dead.address], decide, blockMode: 'nxdomain', udpIo, resolver: { timeoutMs: 200, retries: 0 } });
    await lone.start();
    expect((await dig(lone.address().port, 'a.example')).status).toBe('SERVFAIL');
    await lone.stop();

    const failover = new DnsFilter({ host: '127.0.0.1', port: 0, upstreams: [dead.address, upstream.address], decide, blockMode: 'address', udpIo, resolver: { timeoutMs: 200, retries: 1 } });
    await failover.start();
    expect((await dig(failover.address().port, 'b.example')).status).toBe('NOERROR');
    // Address mode points a blocked name at the block address instead of NXDOMAIN.
    expect((await dig(failover.address().port, 'phish.example')).answers).toEqual(['A 0.0.0.0']);
    await failover.stop();
    await dead.stop();
  });
});
