import type { z } from 'zod';
import {
  ApiErrorBody,
  EnrollResponse,
  HeartbeatResponse,
  ReportBatchResult,
  ThreatDbDownload,
  type EnrollRequest,
  type ErrorCode,
  type HeartbeatRequest,
  type ReportBatch,
} from '../protocol/index.js';
import type { HttpTransport } from './adapter.js';

/** The server said no: a stable code to branch on and a sentence to show. */
export class DeviceApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'bad_response',
    message: string,
  ) {
    super(message);
  }
}

/** The device side of `/api/v1/device/*`, over the adapter's transport. */
export class DeviceApi {
  constructor(
    private readonly http: HttpTransport,
    private readonly serverUrl: string,
  ) {}

  enroll(body: EnrollRequest) {
    return this.post('/api/v1/device/enroll', body, EnrollResponse);
  }

  heartbeat(deviceSecret: string, body: HeartbeatRequest) {
    return this.post('/api/v1/device/heartbeat', body, HeartbeatResponse, deviceSecret);
  }

  /** Delivers a batch of reports; the server stores it all or nothing and drops replays by id. */
  sendReports(deviceSecret: string, body: ReportBatch) {
    return this.post('/api/v1/device/events', body, ReportBatchResult, deviceSecret);
  }

  /** The tenant's threat database: a delta from `have` when the server still has that version, else the file. */
  threatDb(deviceSecret: string, have: number | undefined) {
    return this.call('GET', `/api/v1/device/threatdb${have === undefined ? '' : `?have=${have}`}`, undefined, ThreatDbDownload, deviceSecret);
  }

  private post<T extends z.ZodType>(path: string, body: unknown, schema: T, bearer?: string): Promise<z.infer<T>> {
    return this.call('POST', path, body, schema, bearer);
  }

  private async call<T extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: T, bearer?: string): Promise<z.infer<T>> {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const url = this.serverUrl.replace(/\/+$/, '') + path;
    const response = await this.http.send({ method, url, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      throw new DeviceApiError(response.status, 'bad_response', `server answered ${response.status} with a body that is not JSON`);
    }
    if (response.status >= 400) {
      const error = ApiErrorBody.safeParse(json);
      if (error.success) throw new DeviceApiError(response.status, error.data.error.code, error.data.error.message);
      throw new DeviceApiError(response.status, 'bad_response', `server answered ${response.status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new DeviceApiError(response.status, 'bad_response', `unexpected answer from ${path}: ${parsed.error.message}`);
    return parsed.data;
  }
}
