import type { Client } from "@connectrpc/connect";
import { AssignmentUpdateKind, type ClusterRouterService, type WatchAssignmentsResponse } from "@skein/idl/router/v1";

/** One open WatchAssignments stream, read message by message; close() ends it. */
export interface WatchStream {
  next(): Promise<WatchAssignmentsResponse>;
  /** Messages up to and including SYNCED, as `KIND name@cluster#epoch` strings. */
  snapshot(): Promise<string[]>;
  close(): void;
}

/** A compact, readable form of an update for assertions. */
export function describeUpdate(update: WatchAssignmentsResponse): string {
  const kind = AssignmentUpdateKind[update.kind];
  const a = update.assignment;
  return a === undefined ? kind : `${kind} ${a.executionId?.name ?? "?"}@${a.clusterId || "-"}#${a.epoch}`;
}

export function openWatch(client: Client<typeof ClusterRouterService>, clusterId: string, shard: { count: number; index: number } = { count: 0, index: 0 }): WatchStream {
  const abort = new AbortController();
  const iterator = client
    .watchAssignments({ clusterId, shardCount: shard.count, shardIndex: shard.index }, { signal: abort.signal })
    [Symbol.asyncIterator]();
  const next = async () => {
    const result = await iterator.next();
    if (result.done === true) throw new Error(`the watch of ${clusterId} ended`);
    return result.value;
  };
  return {
    next,
    async snapshot() {
      const seen: string[] = [];
      for (;;) {
        const update = await next();
        seen.push(describeUpdate(update));
        if (update.kind === AssignmentUpdateKind.SYNCED) return seen;
      }
    },
    close: () => {
      abort.abort();
    },
  };
}
