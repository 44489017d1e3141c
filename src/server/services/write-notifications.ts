import type { Storage } from '../storage/storage.js';

export interface WriteListeners {
  /** A policy or a group of the tenant changed. */
  policies(tenantId: string): void;
  /** An indicator of the tenant changed. */
  indicators(tenantId: string): void;
}

/**
 * Wraps a storage so that every write of a policy, a group or an indicator tells the in-memory
 * copies that depend on them (access policies, threat databases), whichever service wrote: the
 * one place they learn they are stale.
 */
export function notifyingWrites(store: Storage, on: WriteListeners): Storage {
  const after =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>, tenantOf: (...args: A) => string, changed: (tenantId: string) => void) =>
    async (...args: A): Promise<R> => {
      const result = await write(...args);
      changed(tenantOf(...args));
      return result;
    };
  const policies = (tenantId: string) => on.policies(tenantId);
  const indicators = (tenantId: string) => on.indicators(tenantId);
  return {
    ...store,
    createPolicy: after(store.createPolicy.bind(store), (p) => p.tenantId, policies),
    updatePolicy: after(store.updatePolicy.bind(store), (p) => p.tenantId, policies),
    deletePolicy: after(store.deletePolicy.bind(store), (tenantId) => tenantId, policies),
    createGroup: after(store.createGroup.bind(store), (g) => g.tenantId, policies),
    updateGroup: after(store.updateGroup.bind(store), (g) => g.tenantId, policies),
    deleteGroup: after(store.deleteGroup.bind(store), (tenantId) => tenantId, policies),
    insertIndicator: after(store.insertIndicator.bind(store), (i) => i.tenantId, indicators),
    deleteIndicator: after(store.deleteIndicator.bind(store), (tenantId) => tenantId, indicators),
  };
}
