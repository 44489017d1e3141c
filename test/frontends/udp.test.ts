import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { listenUdp, type UdpHandler, type UdpListener } from '../../src/frontends/dns/udp.js';

// The two UDP paths of the DNS filter must behave alike: every datagram answered to its own
// sender, later answers delivered, oversized datagrams dropped without harm.
describe.each(['recvmmsg', 'dgram'] as const)('UDP listener through %s', (io) => {
  let listener: UdpListener | undefined;
  afterEach(() => listener?.close());

  /** Sends `count` datagrams from each of `clients` sockets and collects what comes back. */
  async function exchange(host: string, port: number, clients: number, count: number, expected = clients * count): Promise<Map<string, string[]>> {
    const got = new Map<string, string[]>();
    const sockets = Array.from({ length: clients }, () => dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4'));
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.bind(0, host, resolve))));
    let received = 0;
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${received} of ${expected} answers`)), 5000);
      sockets.forEach((s, c) =>
        s.on('message', (m) => {
          got.set(`client${c}`, [...(got.get(`client${c}`) ?? []), m.toString()]);
          if (++received === expected) {
            clearTimeout(timer);
            resolve();
          }
        }),
      );
    });
    sockets.forEach((s, c) => {
      for (let i = 0; i < count; i++) s.send(Buffer.from(`client${c}:${i}:`.padEnd(16, '.')), port, host);
    });
    await done;
    sockets.forEach((s) => s.close());
    return got;
  }

  it('answers a burst from many senders, each to its own sender', async () => {
    const echo: UdpHandler = (m) => Buffer.from(`re:${m.toString().split(':').slice(0, 2).join(':')}`);
    listener = await listenUdp('127.0.0.1', 0, echo, io);
    expect(listener.io).toBe(io);
    // 160 at once: more than one batch, fewer than the socket's receive buffer holds (the
    // senders share this event loop, so all of them are queued before the listener reads).
    const got = await exchange('127.0.0.1', listener.port, 4, 40);
    for (let c = 0; c < 4; c++) {
      const answers = got.get(`client${c}`) ?? [];
      expect(answers).toHaveLength(40);
      expect(answers.every((a) => a.startsWith(`re:client${c}:`))).toBe(true);
      expect(new Set(answers).size).toBe(40);
    }
  });

  it('delivers answers that come later, from a copy of the lent message', async () => {
    const later: UdpHandler = (m) => {
      const copy = Buffer.from(m); // the message is only lent for the synchronous part
      return new Promise((resolve) => setTimeout(() => resolve(Buffer.concat([Buffer.from('late:'), copy.subarray(0, 12)])), 5));
    };
    listener = await listenUdp('::1', 0, later, io);
    const got = await exchange('::1', listener.port, 2, 40);
    expect(got.get('client1')?.every((a) => a.startsWith('late:client1:'))).toBe(true);
    expect(got.get('client0')).toHaveLength(40);
  });

  it('drops what it does not answer and what is too large, and keeps serving', async () => {
    let seen = 0;
    const picky: UdpHandler = (m) => {
      seen++;
      return m.length > 100 ? Buffer.from('big') : m.toString().startsWith('client0') ? undefined : Buffer.from('ok');
    };
    listener = await listenUdp('127.0.0.1', 0, picky, io);
    const socket = dgram.createSocket('udp4');
    // 5,000 bytes: past the batched reader's 4 KiB slot (dropped there), answered by dgram.
    socket.send(Buffer.alloc(5000, 1), listener.port, '127.0.0.1');
    socket.send(Buffer.from('client0:silent'), listener.port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 100));
    socket.close();
    expect(seen).toBe(io === 'recvmmsg' ? 1 : 2);
    const got = await exchange('127.0.0.1', listener.port, 2, 5, 5);
    expect(got.get('client1')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(got.has('client0')).toBe(false);
  });
});
