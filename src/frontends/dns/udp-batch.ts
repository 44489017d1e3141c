import { createRequire } from 'node:module';
import type { UdpHandler, UdpListener } from './udp.js';

/** The native module of native/udp-batch (see udp_batch.c for the contract of each call). */
export interface UdpBatch {
  readonly ADDR_SIZE: number;
  bind(host: string, port: number): [fd: number, port: number];
  watch(fd: number, onReady: (events: number) => void): object;
  interest(watch: object, writable: boolean): void;
  close(watch: object): void;
  recv(fd: number, slots: Uint8Array, slotSize: number, lengths: Int32Array, addrs: Uint8Array): number;
  send(fd: number, datagrams: Uint8Array[], addrs: Uint8Array, addrIndex: Int32Array, count: number): number;
}

const MODULE = new URL('../../../native/udp-batch/build/Release/udp_batch.node', import.meta.url);
let loaded: UdpBatch | Error | undefined;

/** The native module, or why it cannot be used here (not Linux, not built). */
export function loadUdpBatch(): UdpBatch | Error {
  if (loaded) return loaded;
  if (process.platform !== 'linux') return (loaded = new Error(`recvmmsg is Linux only (this is ${process.platform})`));
  try {
    loaded = createRequire(import.meta.url)(MODULE.pathname) as UdpBatch;
  } catch (err) {
    const missing = (err as { code?: unknown }).code === 'MODULE_NOT_FOUND';
    loaded = missing ? new Error('native/udp-batch is not built (npm run build:native)') : err instanceof Error ? err : new Error(String(err));
  }
  return loaded;
}

const UV_WRITABLE = 2;
/** Room for any query a client may send over UDP (EDNS payloads stop well short of this). */
const SLOT = 4096;
const BATCH = 64;
/** Batches read per wake-up before other work gets the loop; the poll fires again if more wait. */
const ROUNDS = 8;
/** Answers kept while the socket is full; past this they are dropped, as the network would. */
const MAX_BACKLOG = 4096;
const FIRST = Int32Array.of(0);

/**
 * A UDP listener that reads up to BATCH datagrams per recvmmsg and sends their answers with one
 * sendmmsg. Datagrams larger than SLOT are dropped (no DNS query is that large).
 */
export function listenBatched(native: UdpBatch, host: string, port: number, handle: UdpHandler): UdpListener {
  const ADDR = native.ADDR_SIZE;
  const [fd, bound] = native.bind(host, port);
  const slots = Buffer.allocUnsafe(SLOT * BATCH);
  const lengths = new Int32Array(BATCH);
  const addrs = new Uint8Array(BATCH * ADDR);
  const out: Uint8Array[] = [];
  const outIndex = new Int32Array(BATCH);
  const backlog: Array<{ data: Uint8Array; addr: Uint8Array }> = [];
  let closed = false;

  const keep = (data: Uint8Array, addr: Uint8Array) => {
    if (backlog.length >= MAX_BACKLOG) return;
    if (backlog.length === 0) native.interest(watch, true);
    backlog.push({ data, addr });
  };
  const flush = () => {
    while (backlog.length) {
      const { data, addr } = backlog[0]!;
      if (native.send(fd, [data], addr, FIRST, 1) === 0) return;
      backlog.shift();
    }
    native.interest(watch, false);
  };
  const later = (answer: Promise<Uint8Array | undefined>, addr: Uint8Array) =>
    void answer.then((a) => {
      if (!a || closed) return;
      if (backlog.length || native.send(fd, [a], addr, FIRST, 1) === 0) keep(a, addr);
    });

  const onReady = (events: number) => {
    if (closed || events < 0) return; // a poll error: the module stopped watching; close() cleans up
    if (events & UV_WRITABLE) flush();
    for (let round = 0; round < ROUNDS; round++) {
      const n = native.recv(fd, slots, SLOT, lengths, addrs);
      if (n <= 0) return;
      let k = 0;
      for (let i = 0; i < n; i++) {
        const length = lengths[i]!;
        if (length < 0) continue;
        const answer = handle(slots.subarray(i * SLOT, i * SLOT + length));
        if (answer instanceof Promise) later(answer, addrs.slice(i * ADDR, (i + 1) * ADDR));
        else if (answer) {
          out[k] = answer;
          outIndex[k++] = i;
        }
      }
      const sent = k && !backlog.length ? native.send(fd, out, addrs, outIndex, k) : 0;
      for (let j = sent; j < k; j++) keep(out[j]!, addrs.slice(outIndex[j]! * ADDR, (outIndex[j]! + 1) * ADDR));
      out.length = 0;
      if (n < BATCH) return;
    }
  };
  const watch = native.watch(fd, onReady);
  return {
    port: bound,
    io: 'recvmmsg',
    close() {
      if (closed) return;
      closed = true;
      native.close(watch);
    },
  };
}
