import { digest } from '../auth/secrets.js';

/**
 * Remembers credentials that verified recently, keyed by a digest of the whole token, so the
 * scrypt check runs once per token per minute and not on every request. Revocation clears it;
 * other API nodes notice a revocation within `ttlMs`.
 */
export class CredentialCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();
  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  get(token: string, now: number): T | undefined {
    const key = digest(token);
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(token: string, value: T, now: number): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(digest(token), { value, expires: now + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
