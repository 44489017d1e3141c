import { adoptQuery, responseShape, setId } from './wire.js';

interface Entry {
  response: Uint8Array;
  ttlOffsets: number[];
  questionStart: number;
  questionEnd: number;
  storedAt: number;
  expiresAt: number;
}

export interface CacheOptions {
  maxEntries: number;
  /** Upper bound on any TTL, so a poisoned or mistaken answer does not live for days. */
  maxTtlSeconds: number;
}

/**
 * Answers kept for their TTL. A hit is the stored bytes with the client's id and question and
 * every TTL lowered by the time spent in the cache, as a resolver would answer.
 */
export class DnsCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly options: CacheOptions = { maxEntries: 10_000, maxTtlSeconds: 86_400 }) {}

  get size(): number {
    return this.entries.size;
  }

  /** Stores an upstream response if it is cacheable (has a TTL, is not truncated or SERVFAIL). */
  put(key: string, response: Uint8Array, now: number): void {
    const shape = responseShape(response);
    if (shape.truncated || shape.cacheTtl === undefined || shape.cacheTtl === 0 || (shape.rcode !== 0 && shape.rcode !== 3)) return;
    const ttl = Math.min(shape.cacheTtl, this.options.maxTtlSeconds);
    if (this.entries.size >= this.options.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, {
      response: response.slice(),
      ttlOffsets: shape.ttlOffsets,
      questionStart: shape.questionStart,
      questionEnd: shape.questionEnd,
      storedAt: now,
      expiresAt: now + ttl * 1000,
    });
  }

  /** The cached answer to `query`, ready to send, or undefined. */
  answer(key: string, query: Uint8Array, questionStart: number, questionEnd: number, now: number): Uint8Array | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    const out = entry.response.slice();
    // Echo the client's id and question byte for byte (same name, perhaps other letter case).
    if (questionEnd - questionStart === entry.questionEnd - entry.questionStart) adoptQuery(out, query, { questionStart, questionEnd }, entry.questionStart);
    else setId(out, (query[0]! << 8) | query[1]!);
    const elapsed = Math.floor((now - entry.storedAt) / 1000);
    if (elapsed > 0) {
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      for (const offset of entry.ttlOffsets) view.setUint32(offset, Math.max(0, view.getUint32(offset) - elapsed));
    }
    return out;
  }
}
