import type { Client } from "@connectrpc/connect";
import { AssignmentUpdateKind, type ClusterRouterService } from "@skein/idl/router/v1";
import type { BackgroundLoop, Logger } from "@skein/server";
import type { ExecutionKey, ExecutionStore } from "../repositories/execution-store.js";
import { sleep } from "./attempt-runner.js";

/** What the follower tells the replica's coordinator. */
export interface AssignmentListener {
  /** New work is stored: claim it. */
  assigned(): void;
  terminate(key: ExecutionKey, cause: string): void;
  /** Stop driving the execution here (`revoke` also cancels its local tasks). */
  halt(key: ExecutionKey, mode: "revoke" | "shutdown"): void;
}

export interface AssignmentFollowerOptions {
  readonly cluster: string;
  readonly router: Client<typeof ClusterRouterService>;
  readonly store: ExecutionStore;
  readonly listener: AssignmentListener;
  readonly logger: Logger;
  /** Resolves once the cluster is registered; the router refuses watches of unknown clusters. */
  readonly registered: Promise<void>;
}

/**
 * Follows the router's outbound WatchAssignments stream (the data plane dials out) and stores
 * what it says: new assignments, terminations, revocations and releases. The stream reconnects
 * with backoff; its initial snapshot reconciles what the cluster holds.
 */
export class AssignmentFollower {
  constructor(private readonly options: AssignmentFollowerOptions) {}

  loop(): BackgroundLoop {
    return { name: "propeller.assignments", run: (signal) => this.run(signal) };
  }

  private async run(signal: AbortSignal): Promise<void> {
    await Promise.race([this.options.registered, new Promise((resolve) => { signal.addEventListener("abort", resolve, { once: true }); })]);
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.follow(signal);
        failures = 0;
      } catch (error) {
        if (isAborted(signal)) return;
        failures += 1;
        if (failures === 1 || failures % 20 === 0) this.options.logger.warn("assignment stream broke; reconnecting", { error, failures });
      }
      await sleep(Math.min(100 * 2 ** Math.min(failures, 6), 5000), signal).catch(() => undefined);
    }
  }

  private async follow(signal: AbortSignal): Promise<void> {
    const { cluster, router, store, listener } = this.options;
    const snapshot = new Set<string>();
    let synced = false;
    for await (const update of router.watchAssignments({ clusterId: cluster }, { signal })) {
      const a = update.assignment;
      const id = a?.executionId;
      const key: ExecutionKey | undefined = id && { cluster, project: id.project, domain: id.domain, name: id.name };
      switch (update.kind) {
        case AssignmentUpdateKind.ASSIGNED:
          if (key === undefined || a === undefined) break;
          if (!synced) snapshot.add(`${key.project}/${key.domain}/${key.name}`);
          if ((await store.assign(key, a.epoch)) === "reset") listener.halt(key, "shutdown");
          if (a.termination !== undefined) {
            await store.requestTermination(key, a.termination.cause || "terminated");
            listener.terminate(key, a.termination.cause || "terminated");
          }
          listener.assigned();
          break;
        case AssignmentUpdateKind.TERMINATE:
          if (key === undefined) break;
          await store.requestTermination(key, a?.termination?.cause || "terminated");
          listener.terminate(key, a?.termination?.cause || "terminated");
          break;
        case AssignmentUpdateKind.REVOKED:
          if (key === undefined) break;
          listener.halt(key, "revoke");
          await store.revoke(key);
          break;
        case AssignmentUpdateKind.RELEASED:
          if (key === undefined) break;
          listener.halt(key, "shutdown");
          await store.forget(key);
          break;
        case AssignmentUpdateKind.SYNCED: {
          synced = true;
          for (const held of await store.activeExecutions(cluster)) {
            if (snapshot.has(`${held.project}/${held.domain}/${held.name}`)) continue;
            this.options.logger.info("execution no longer assigned here", { execution: held.name });
            listener.halt(held, "revoke");
            await store.revoke(held);
          }
          break;
        }
        case AssignmentUpdateKind.UNSPECIFIED:
          break;
      }
    }
  }
}

/** Read through a call, since the flag changes while the awaited work runs. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
