import { createHmac, timingSafeEqual } from 'node:crypto';

// How subscribers check a delivery: HMAC-SHA256 over "<timestamp>.<body>" with the
// subscription's secret, sent as `X-Bulwark-Signature: v1=<hex>` next to `X-Bulwark-Timestamp`
// (Unix seconds). The timestamp inside the signed text stops replays of old deliveries.

export const SIGNATURE_HEADER = 'x-bulwark-signature';
export const TIMESTAMP_HEADER = 'x-bulwark-timestamp';

export function signPayload(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** True when `signature` is ours for this body and the timestamp is within `toleranceSeconds` of `now`. */
export function verifySignature(secret: string, timestamp: number, body: string, signature: string, now: Date, toleranceSeconds = 300): boolean {
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Delay before attempt `attempt + 1` (attempt counts from 1): doubling from `baseMs`, at most `maxMs`; null when out of attempts. */
export function retryDelay(attempt: number, policy: { baseMs: number; maxMs: number; maxAttempts: number }): number | null {
  if (attempt >= policy.maxAttempts) return null;
  return Math.min(policy.baseMs * 2 ** (attempt - 1), policy.maxMs);
}
