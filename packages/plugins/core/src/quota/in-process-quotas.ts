import { checkAllocation, checkLeaseMs, checkNamespace, checkRelease, defaultQuotaLeaseMs, type AllocationRequest, type AllocationStatus, type ResourceQuotas } from "./resource-quotas.js";

export interface InProcessQuotasOptions {
  /** How long a token holds its slot without being allocated again (ms). */
  readonly leaseMs?: number;
  /** Milliseconds since the epoch; injected by tests. */
  readonly clock?: () => number;
}

interface Held {
  expiresAt: number;
  readonly project: string | undefined;
}

/**
 * Quotas kept in memory, for a single process (the sandbox). Each call runs to completion without
 * yielding, so concurrent callers in the process never see a half-done allocation.
 */
export function createInProcessQuotas(options: InProcessQuotasOptions = {}): ResourceQuotas {
  const leaseMs = options.leaseMs ?? defaultQuotaLeaseMs;
  checkLeaseMs(leaseMs);
  const clock = options.clock ?? Date.now;
  const namespaces = new Map<string, Map<string, Held>>();

  /** The namespace's tokens with a live lease at `now`; expired ones are dropped first. */
  function live(namespace: string, now: number): Map<string, Held> {
    let tokens = namespaces.get(namespace);
    if (!tokens) {
      tokens = new Map();
      namespaces.set(namespace, tokens);
    }
    for (const [token, held] of tokens) if (held.expiresAt <= now) tokens.delete(token);
    return tokens;
  }

  return {
    async allocate(namespace: string, token: string, request: AllocationRequest): Promise<AllocationStatus> {
      checkAllocation(namespace, token, request);
      const now = clock();
      const tokens = live(namespace, now);
      const held = tokens.get(token);
      if (held) {
        held.expiresAt = now + leaseMs;
        return "granted";
      }
      if (tokens.size >= request.quota) return "exhausted";
      const project = request.constraints?.project;
      if (project) {
        let charged = 0;
        for (const other of tokens.values()) if (other.project === project.id) charged++;
        if (charged >= project.max) return "project-quota-exceeded";
      }
      tokens.set(token, { expiresAt: now + leaseMs, project: project?.id });
      return "granted";
    },

    async release(namespace: string, token: string): Promise<void> {
      checkRelease(namespace, token);
      const tokens = namespaces.get(namespace);
      tokens?.delete(token);
      if (tokens?.size === 0) namespaces.delete(namespace);
    },

    async used(namespace: string): Promise<number> {
      checkNamespace(namespace);
      const now = clock();
      let count = 0;
      for (const held of namespaces.get(namespace)?.values() ?? []) if (held.expiresAt > now) count++;
      return count;
    },
  };
}
