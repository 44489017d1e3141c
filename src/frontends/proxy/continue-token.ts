import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed "continue anyway" tokens for Warn verdicts: only a page this proxy rendered can
 * unlock a host, and only for a while. The key lives in memory; a restart voids old tokens.
 */
export class ContinueTokens {
  private readonly key = randomBytes(32);
  constructor(private readonly ttlMs = 60 * 60 * 1000) {}

  issue(host: string, now: number): string {
    const expires = (now + this.ttlMs).toString(36);
    return `${expires}.${this.sign(host, expires)}`;
  }

  verify(token: string, host: string, now: number): boolean {
    const [expires, mac] = token.split('.');
    if (!expires || !mac || parseInt(expires, 36) < now) return false;
    const expected = Buffer.from(this.sign(host, expires));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(host: string, expires: string): string {
    return createHmac('sha256', this.key).update(`${host.toLowerCase()}|${expires}`).digest('base64url');
  }
}
