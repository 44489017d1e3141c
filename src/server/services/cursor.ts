import { ApiError } from '../errors.js';

/** An opaque page position: a base64url JSON pair of (time, id). */
export function encodeCursor(pos: [string, string]): string {
  return Buffer.from(JSON.stringify(pos)).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // fall through to the error below
  }
  throw new ApiError('validation_failed', 'cursor is not one this server issued; start again without it');
}
