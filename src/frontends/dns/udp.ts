import dgram from 'node:dgram';
import net from 'node:net';
import { listenBatched, loadUdpBatch } from './udp-batch.js';

/** The answer to one datagram: at once, later (forwarded upstream), or none (dropped). */
export type UdpAnswer = Uint8Array | undefined | Promise<Uint8Array | undefined>;
/**
 * Answers one datagram. The message is only lent for the synchronous part of the call: a
 * handler that still needs it after returning a promise must copy it.
 */
export type UdpHandler = (message: Buffer) => UdpAnswer;

/**
 * How datagrams are read and written. `recvmmsg`: the native batch module (Linux), many datagrams
 * per system call; `dgram`: Node's own sockets, one datagram per call, everywhere; `auto`: the
 * first when it is built, else the second.
 */
export type UdpIo = 'auto' | 'recvmmsg' | 'dgram';

export interface UdpListener {
  readonly port: number;
  readonly io: 'recvmmsg' | 'dgram';
  close(): void;
}

export async function listenUdp(host: string, port: number, handle: UdpHandler, io: UdpIo = 'auto'): Promise<UdpListener> {
  if (io !== 'dgram') {
    const native = loadUdpBatch();
    if (!(native instanceof Error)) return listenBatched(native, host, port, handle);
    if (io === 'recvmmsg') throw new Error(`batched UDP is not available (${native.message}); build it with npm run build:native, or use dgram`);
  }
  return listenDgram(host, port, handle);
}

/** Why the batched path cannot be used here, or undefined when it can. */
export function batchedUdpUnavailable(): string | undefined {
  const native = loadUdpBatch();
  return native instanceof Error ? native.message : undefined;
}

async function listenDgram(host: string, port: number, handle: UdpHandler): Promise<UdpListener> {
  // Replies go to the IP address a query came from: answering the address lookup at once spares
  // dns.lookup's deferred callback on every send (a tick and a closure per packet).
  const lookup = (address: string, _options: unknown, callback: (err: Error | null, address: string, family: number) => void) =>
    callback(null, address, net.isIPv6(address) ? 6 : 4);
  const udp = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false, lookup });
  udp.on('message', (msg, rinfo) => {
    const answer = handle(msg);
    // Blocked and cached answers come back at once; only forwarded ones wait.
    if (answer instanceof Promise) void answer.then((a) => a && udp.send(a, rinfo.port, rinfo.address));
    else if (answer) udp.send(answer, rinfo.port, rinfo.address);
  });
  udp.on('error', () => {
    /* a send to a vanished client; nothing to do */
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  return { port: udp.address().port, io: 'dgram', close: () => udp.close() };
}
