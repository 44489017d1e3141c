import type { Storage } from '../storage/storage.js';
import type { PolicyChange } from './policy-source.js';

export interface WriteListeners {
  /** A policy (of which kind) or a group of the tenant changed. */
  policies(tenantId: string, what: PolicyChange): void;
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
    <A extends unknown[], R>(write: (...args: A) => Promise<R>, notify: (...args: A) => void) =>
    async (...args: A): Promise<R> => {
      const result = await write(...args);
      notify(...args);
      return result;
    };
  return {
    ...store,
    createPolicy: after(store.createPolicy.bind(store), (p) => on.policies(p.tenantId, p.kind)),
    updatePolicy: after(store.updatePolicy.bind(store), (p) => on.policies(p.tenantId, p.kind)),
    deletePolicy: after(store.deletePolicy.bind(store), (tenantId, kind) => on.policies(tenantId, kind)),
    createGroup: after(store.createGroup.bind(store), (g) => on.policies(g.tenantId, 'group')),
    updateGroup: after(store.updateGroup.bind(store), (g) => on.policies(g.tenantId, 'group')),
    deleteGroup: after(store.deleteGroup.bind(store), (tenantId) => on.policies(tenantId, 'group')),
    insertIndicator: after(store.insertIndicator.bind(store), (i) => on.indicators(i.tenantId)),
    deleteIndicator: after(store.deleteIndicator.bind(store), (tenantId) => on.indicators(tenantId)),
  };
}
