import { create, fromBinary } from "@bufbuild/protobuf";
import {
  AssignmentSchema,
  AssignmentUpdateKind,
  WatchAssignmentsResponseSchema,
  type WatchAssignmentsRequest,
  type WatchAssignmentsResponse,
} from "@skein/idl/router/v1";
import { assertNever } from "@skein/engine";
import { failedPrecondition } from "@skein/server";
import type { Kysely } from "kysely";
import type { AssignmentRepository } from "../repositories/assignment-repository.js";
import type { AssignmentChangeRepository } from "../repositories/change-repository.js";
import type { ClusterRepository } from "../repositories/cluster-repository.js";
import type { AssignmentChangeKind, RouterDatabase } from "../repositories/database.js";
import { assignmentFromRow } from "../repositories/transformers/assignment-transformer.js";
import { shardOf } from "./execution-hash.js";
import { armWakeUp, type ClusterWakeUps } from "./wake-ups.js";

export interface WatcherDeps {
  readonly db: Kysely<RouterDatabase>;
  readonly clusters: ClusterRepository;
  readonly assignments: AssignmentRepository;
  readonly changes: AssignmentChangeRepository;
  readonly wakeUps: ClusterWakeUps;
  /** How often to read the log without a wake-up (changes made by another router replica). */
  readonly pollMs: number;
}

const pageSize = 500;

function updateKind(kind: AssignmentChangeKind): AssignmentUpdateKind {
  switch (kind) {
    case "assigned":
      return AssignmentUpdateKind.ASSIGNED;
    case "revoked":
      return AssignmentUpdateKind.REVOKED;
    case "terminate":
      return AssignmentUpdateKind.TERMINATE;
    case "released":
      return AssignmentUpdateKind.RELEASED;
    default:
      return assertNever(kind);
  }
}

/**
 * WatchAssignments: a snapshot of what the cluster (or this shard of it) owns, SYNCED, then every
 * change from the cluster's log in sequence order until the client goes away. A propeller that
 * reconnects resumes by taking a fresh snapshot: whatever it holds that the snapshot lacks is no
 * longer its own.
 */
export class AssignmentWatcher {
  constructor(private readonly deps: WatcherDeps) {}

  async *watch(req: WatchAssignmentsRequest, signal: AbortSignal): AsyncGenerator<WatchAssignmentsResponse> {
    const clusterId = req.clusterId;
    if ((await this.deps.clusters.find(clusterId)) === undefined) {
      throw failedPrecondition(`cluster "${clusterId}" is not registered; register it before watching its assignments`);
    }
    const inShard = (key: { project: string; domain: string; name: string }) => shardOf(key, req.shardCount) === req.shardIndex;
    // The cluster's change_seq and its assignment rows are written in the same transactions, so
    // one repeatable-read snapshot of both is consistent: the log continues right after `last`.
    const snapshot = await this.deps.db
      .transaction()
      .setIsolationLevel("repeatable read")
      .execute(async (trx) => {
        const cluster = await this.deps.clusters.get(clusterId, trx);
        const rows = await this.deps.assignments.listActiveOf(clusterId, trx);
        return { last: BigInt(cluster.change_seq), rows: rows.filter(inShard) };
      });
    for (const row of snapshot.rows) {
      const assignment = assignmentFromRow(row);
      yield create(WatchAssignmentsResponseSchema, { kind: AssignmentUpdateKind.ASSIGNED, assignment });
      if (row.termination_requested_at !== null) yield create(WatchAssignmentsResponseSchema, { kind: AssignmentUpdateKind.TERMINATE, assignment });
    }
    yield create(WatchAssignmentsResponseSchema, { kind: AssignmentUpdateKind.SYNCED });
    let last = snapshot.last;
    while (!signal.aborted) {
      const wakeUp = armWakeUp(this.deps.wakeUps, clusterId, this.deps.pollMs, signal);
      try {
        const changes = await this.deps.changes.after(clusterId, last, pageSize);
        for (const change of changes) {
          last = BigInt(change.seq);
          if (!inShard(change)) continue;
          yield create(WatchAssignmentsResponseSchema, { kind: updateKind(change.kind), assignment: fromBinary(AssignmentSchema, change.payload) });
        }
        if (changes.length < pageSize) await wakeUp.wait();
      } finally {
        wakeUp.dispose();
      }
    }
  }
}
