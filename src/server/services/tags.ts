import type { BulkTagAction, BulkTagResult, DeviceDetail, TagAction } from '../../protocol/index.js';
import { authorize, type Principal } from '../auth/authz.js';
import { ApiError } from '../errors.js';
import type { Storage } from '../storage/storage.js';
import type { DeviceService } from './devices.js';

/** Manual device tags, one device or up to 500 at once. The configuration tag comes with heartbeats. */
export class TagService {
  constructor(
    private readonly store: Storage,
    private readonly devices: DeviceService,
  ) {}

  async tagDevice(principal: Principal, deviceId: string, input: TagAction): Promise<DeviceDetail> {
    const admin = authorize(principal, 'devices:tag');
    if (!(await this.store.getDevice(admin.tenantId, deviceId))) throw new ApiError('not_found', `no device ${deviceId}`);
    await this.apply(admin.tenantId, [deviceId], input);
    return this.devices.getDevice(principal, deviceId);
  }

  async tagDevices(principal: Principal, input: BulkTagAction): Promise<BulkTagResult> {
    const admin = authorize(principal, 'devices:tag');
    const ids = [...new Set(input.MachineIds)];
    const known = await Promise.all(ids.map(async (id) => ((await this.store.getDevice(admin.tenantId, id)) ? id : null)));
    const updated = known.filter((id): id is string => id !== null);
    await this.apply(admin.tenantId, updated, input);
    return { updated, notFound: ids.filter((id) => !updated.includes(id)) };
  }

  private apply(tenantId: string, ids: string[], input: TagAction): Promise<void> {
    return input.Action === 'Add' ? this.store.addManualTag(tenantId, ids, input.Value) : this.store.removeManualTag(tenantId, ids, input.Value);
  }
}
