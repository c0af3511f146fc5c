// Wake-ups for assignment watchers. The change log in the database is the truth; a wake-up only
// tells a cluster's watchers to read it now rather than at their next poll, so a lost wake-up
// costs latency, never a change. This notifier serves one process; changes made by another router
// replica reach watchers through the poll.

/** Publishes and delivers "cluster X has new changes" wake-ups. */
export interface ClusterWakeUps {
  publish(clusterIds: Iterable<string>): void;
  /** Calls `listener` on every later wake-up for the cluster until the returned function is called. */
  subscribe(clusterId: string, listener: () => void): () => void;
}

export function createLocalWakeUps(): ClusterWakeUps {
  const listeners = new Map<string, Set<() => void>>();
  return {
    publish(clusterIds) {
      for (const id of new Set(clusterIds)) {
        for (const listener of listeners.get(id) ?? []) listener();
      }
    },
    subscribe(clusterId, listener) {
      const set = listeners.get(clusterId) ?? new Set();
      listeners.set(clusterId, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(clusterId);
      };
    },
  };
}

export interface ArmedWakeUp {
  /** Resolves at the first wake-up since arming, after `pollMs`, or when `signal` aborts. */
  wait(): Promise<void>;
  dispose(): void;
}

/**
 * Subscribes now, before the caller reads the log, so a change committed between the read and the
 * wait still wakes it.
 */
export function armWakeUp(wakeUps: ClusterWakeUps, clusterId: string, pollMs: number, signal: AbortSignal): ArmedWakeUp {
  let woken = false;
  let resolveWait: (() => void) | undefined;
  const wake = () => {
    woken = true;
    resolveWait?.();
  };
  const unsubscribe = wakeUps.subscribe(clusterId, wake);
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    wake();
  };
  signal.addEventListener("abort", onAbort, { once: true });
  return {
    wait() {
      if (woken || signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        resolveWait = resolve;
        timer = setTimeout(resolve, pollMs);
      });
    },
    dispose() {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    },
  };
}
