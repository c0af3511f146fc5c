// Wake-ups for watchers. The change log in the database is the truth; a notifier only tells
// watchers to look now rather than at their next poll, so losing a wake-up costs latency, never a
// change. The in-process notifier serves one replica; a Redis-backed one (same interface) will
// carry wake-ups between replicas.

/** Publishes and delivers "execution X changed" wake-ups, keyed by `project/domain/name`. */
export interface ChangeNotifier {
  publish(executions: Iterable<string>): void;
  /** Calls `listener` on each later wake-up for the execution until the returned function is called. */
  subscribe(execution: string, listener: () => void): () => void;
}

/** Wake-ups within this process. */
export function createLocalChangeNotifier(): ChangeNotifier {
  const listeners = new Map<string, Set<() => void>>();
  return {
    publish(executions) {
      for (const execution of executions) {
        for (const listener of listeners.get(execution) ?? []) listener();
      }
    },
    subscribe(execution, listener) {
      let set = listeners.get(execution);
      if (set === undefined) {
        set = new Set();
        listeners.set(execution, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(execution);
      };
    },
  };
}

/**
 * Subscribes now and returns a function that waits until a wake-up arrived (since subscribing),
 * `pollMs` passed, or `signal` aborted; call `dispose` when done. Subscribing before reading the
 * log closes the gap in which a wake-up could slip between the read and the wait.
 */
export function armWakeUp(notifier: ChangeNotifier, execution: string, pollMs: number, signal: AbortSignal): { wait(): Promise<void>; dispose(): void } {
  let woken = false;
  let resolve: (() => void) | undefined;
  const unsubscribe = notifier.subscribe(execution, () => {
    woken = true;
    resolve?.();
  });
  return {
    wait() {
      if (woken || signal.aborted) return Promise.resolve();
      return new Promise<void>((done) => {
        const timer = setTimeout(finish, pollMs);
        function finish(): void {
          clearTimeout(timer);
          signal.removeEventListener("abort", finish);
          done();
        }
        resolve = finish;
        signal.addEventListener("abort", finish, { once: true });
      });
    },
    dispose: unsubscribe,
  };
}
