import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DnsCache } from '../../src/frontends/dns/cache.js';
import { synthesize } from '../../src/frontends/dns/server.js';
import { parseQuery, responseShape, WireError } from '../../src/frontends/dns/wire.js';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

const query = (name: string, type: 'A' | 'AAAA' | 'TXT' = 'A', edns = false, dnssecOk = false) =>
  dnsPacket.encode({
    id: 4242,
    type: 'query',
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: 4096, flags: dnssecOk ? dnsPacket.DNSSEC_OK : 0 } as dnsPacket.Answer] : [],
  });

describe('parseQuery', () => {
  it('reads the id, a lower-cased name, the type and EDNS', () => {
    const info = parseQuery(query('WwW.Example.COM', 'AAAA', true, true));
    expect(info).toMatchObject({ id: 4242, name: 'www.example.com', type: 28, class: 1, recursionDesired: true, edns: { udpSize: 4096, dnssecOk: true } });
    expect(parseQuery(query('example.org')).edns).toBeUndefined();
  });

  it.each([
    ['a short packet', Buffer.from([1, 2, 3])],
    ['two questions', (() => { const b = Buffer.from(query('a.test')); b.writeUInt16BE(2, 4); return b; })()],
    ['a label past the end', Buffer.concat([Buffer.from(query('a.test')).subarray(0, 14)])],
    ['a response', (() => { const b = Buffer.from(query('a.test')); b[2] = b[2]! | 0x80; return b; })()],
    ['a compression pointer in the question', Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1])],
  ])('refuses %s with a WireError', (_label, packet) => {
    expect(() => parseQuery(packet)).toThrow(WireError);
  });

  it('never throws anything but WireError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        try {
          parseQuery(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(WireError);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('agrees with dns-packet on any valid single-question query', () => {
    const label = fc.stringMatching(/^[a-z0-9-]{1,20}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), fc.constantFrom('A', 'AAAA', 'TXT'), fc.boolean(), (labels, type, edns) => {
        const name = labels.join('.');
        const info = parseQuery(query(name, type, edns));
        expect(info.name).toBe(name);
        expect(info.type).toBe({ A: 1, AAAA: 28, TXT: 16 }[type]);
        expect(info.edns !== undefined).toBe(edns);
      }),
      { numRuns: FUZZ_RUNS / 4 },
    );
  });
});

describe('synthesized answers', () => {
  it('decode as NXDOMAIN or an address, echo the question, and carry OPT for EDNS clients', () => {
    const q = query('Bad.Example', 'A', true);
    const nx = dnsPacket.decode(synthesize(q, parseQuery(q), 3));
    expect(nx).toMatchObject({ id: 4242, type: 'response', rcode: 'NXDOMAIN', questions: [{ name: 'Bad.Example', type: 'A' }] });
    expect(nx.additionals?.[0]?.type).toBe('OPT');
    const a = dnsPacket.decode(synthesize(q, parseQuery(q), 0, Uint8Array.from([127, 0, 0, 1])));
    expect(a.answers).toEqual([expect.objectContaining({ type: 'A', name: 'Bad.Example', data: '127.0.0.1', ttl: 10 })]);
  });

  it('answers FORMERR with only the header of an unreadable query', () => {
    const formerr = dnsPacket.decode(synthesize(Buffer.from([0xab, 0xcd, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0]), undefined, 1));
    expect(formerr).toMatchObject({ id: 0xabcd, rcode: 'FORMERR', questions: [] });
  });
});

describe('DnsCache', () => {
  const response = (name: string, ttl: number, rcode = 0) =>
    dnsPacket.encode({
      id: 1,
      type: 'response',
      flags: dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: [{ name, type: 'A', class: 'IN' }],
      answers: rcode ? [] : [{ type: 'A', name, ttl, data: '192.0.2.1' }],
      authorities: rcode ? [{ type: 'SOA', name: 'test', ttl: 900, data: { mname: 'a', rname: 'b', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 30 } }] : [],
    });

  it('answers with the client id and case, TTLs lowered by the time spent, until expiry', () => {
    const cache = new DnsCache();
    cache.put('k', response('example.com', 300), 0);
    const q = query('EXAMPLE.com');
    const info = parseQuery(q);
    const hit = dnsPacket.decode(Buffer.from(cache.answer('k', q, info.questionStart, info.questionEnd, 100_500)!));
    expect(hit.id).toBe(4242);
    expect(hit.questions?.[0]?.name).toBe('EXAMPLE.com');
    expect((hit.answers?.[0] as { ttl?: number } | undefined)?.ttl).toBe(200);
    expect(cache.answer('k', q, info.questionStart, info.questionEnd, 300_000)).toBeUndefined();
  });

  it('keeps NXDOMAIN for the SOA negative TTL and does not keep SERVFAIL', () => {
    const cache = new DnsCache();
    expect(responseShape(response('gone.test', 0, 3)).cacheTtl).toBe(30);
    cache.put('nx', response('gone.test', 0, 3), 0);
    cache.put('sf', response('x.test', 0, 2), 0);
    expect(cache.size).toBe(1);
  });

  it('evicts the oldest entry when full', () => {
    const cache = new DnsCache({ maxEntries: 2, maxTtlSeconds: 60 });
    for (const k of ['a', 'b', 'c']) cache.put(k, response(`${k}.test`, 300), 0);
    const q = query('a.test');
    const i = parseQuery(q);
    expect(cache.answer('a', q, i.questionStart, i.questionEnd, 1)).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});
