import type { ErrorCode } from '../protocol/index.js';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  invalid_enrollment_token: 401,
  os_unsupported: 422,
  shared_device: 422,
  userless_device: 422,
  mam_account_mismatch: 422,
  internal: 500,
};

/** An error a client may see: a stable code, a sentence, and the HTTP status the code implies. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Every problem found, for bodies with several (e.g. each key of a policy). */
    readonly issues?: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
