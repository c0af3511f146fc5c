import { toBinary } from "@bufbuild/protobuf";
import { AssignmentSchema } from "@skein/idl/router/v1";
import type { Transaction } from "kysely";
import type { AssignmentRepository } from "../repositories/assignment-repository.js";
import type { NewAssignmentChange } from "../repositories/change-repository.js";
import type { AssignmentChangeKind, AssignmentRow, RouterDatabase } from "../repositories/database.js";
import { assignmentFromRow } from "../repositories/transformers/assignment-transformer.js";
import { createClusterSelector, type SelectionSpec } from "./cluster-selector.js";
import type { ExecutionKey } from "./execution-hash.js";
import type { LockedClusters } from "./locked-clusters.js";

/** One transaction's placement work: the instant, the locked clusters, and the changes to log. */
export interface PlacementRound {
  readonly now: Date;
  readonly clusters: LockedClusters;
  readonly changes: NewAssignmentChange[];
}

export interface PlacementDeps {
  readonly assignments: AssignmentRepository;
  readonly defaultLabel: string | undefined;
}

function keyOf(row: AssignmentRow): ExecutionKey {
  return { project: row.project, domain: row.domain, name: row.name };
}

function specOf(row: AssignmentRow): SelectionSpec {
  return { execution: keyOf(row), clusterId: row.selection_cluster_id, clusterLabel: row.selection_label, region: row.selection_region };
}

/** Queues a change for `clusterId` carrying the assignment as it is now. */
export function queueChange(changes: NewAssignmentChange[], clusterId: string, kind: AssignmentChangeKind, row: AssignmentRow): void {
  changes.push({ clusterId, kind, project: row.project, domain: row.domain, name: row.name, payload: toBinary(AssignmentSchema, assignmentFromRow(row)) });
}

/**
 * Creating, moving and placing assignments. Every method runs in a transaction that already holds
 * the assignment's row (when it exists) and every cluster row (`round.clusters`), in that order.
 */
export class Placement {
  constructor(private readonly deps: PlacementDeps) {}

  /** A new assignment: active on the selected cluster with epoch 1, or pending with the reason. */
  async create(spec: SelectionSpec, round: PlacementRound, trx: Transaction<RouterDatabase>): Promise<AssignmentRow> {
    const selection = createClusterSelector(round.clusters, { defaultLabel: this.deps.defaultLabel }).select(spec);
    const base = {
      ...spec.execution,
      selection_cluster_id: spec.clusterId,
      selection_label: spec.clusterLabel,
      selection_region: spec.region,
      created_at: round.now,
      updated_at: round.now,
    };
    if (selection.kind === "none") {
      return this.deps.assignments.insert({ ...base, state: "pending", epoch: 0, pending_reason: selection.reason }, trx);
    }
    const row = await this.deps.assignments.insert({ ...base, state: "active", cluster_id: selection.clusterId, epoch: 1, assigned_at: round.now }, trx);
    round.clusters.adjust(selection.clusterId, 1);
    queueChange(round.changes, selection.clusterId, "assigned", row);
    return row;
  }

  /**
   * Takes an active assignment away from its cluster: revoked there, then active on another
   * qualifying cluster under the next epoch, or pending (keeping its epoch) when none qualifies.
   */
  async move(row: AssignmentRow, round: PlacementRound, trx: Transaction<RouterDatabase>): Promise<AssignmentRow> {
    const from = row.cluster_id;
    if (row.state !== "active" || from === null) throw new Error(`only an active assignment can move (state ${row.state})`);
    const selection = createClusterSelector(round.clusters, { defaultLabel: this.deps.defaultLabel, exclude: new Set([from]) }).select(specOf(row));
    round.clusters.adjust(from, -1);
    const moved =
      selection.kind === "selected"
        ? await this.#activate(row, selection.clusterId, from, round, trx)
        : await this.deps.assignments.update(
            keyOf(row),
            { state: "pending", cluster_id: null, previous_cluster_id: from, pending_reason: selection.reason, assigned_at: null, updated_at: round.now },
            trx,
          );
    queueChange(round.changes, from, "revoked", moved);
    return moved;
  }

  /** Places a pending assignment when a cluster qualifies now; undefined when none does (the reason is refreshed). */
  async placePending(row: AssignmentRow, round: PlacementRound, trx: Transaction<RouterDatabase>): Promise<AssignmentRow | undefined> {
    const selection = createClusterSelector(round.clusters, { defaultLabel: this.deps.defaultLabel }).select(specOf(row));
    if (selection.kind === "none") {
      if (selection.reason !== row.pending_reason) {
        await this.deps.assignments.update(keyOf(row), { pending_reason: selection.reason, updated_at: round.now }, trx);
      }
      return undefined;
    }
    return this.#activate(row, selection.clusterId, row.previous_cluster_id, round, trx);
  }

  async #activate(row: AssignmentRow, to: string, previous: string | null, round: PlacementRound, trx: Transaction<RouterDatabase>): Promise<AssignmentRow> {
    const next = await this.deps.assignments.update(
      keyOf(row),
      {
        state: "active",
        cluster_id: to,
        epoch: (BigInt(row.epoch) + 1n).toString(),
        previous_cluster_id: previous,
        pending_reason: "",
        assigned_at: round.now,
        updated_at: round.now,
      },
      trx,
    );
    round.clusters.adjust(to, 1);
    queueChange(round.changes, to, "assigned", next);
    // A requested termination follows the execution: the new owner must abort it.
    if (next.termination_requested_at !== null) queueChange(round.changes, to, "terminate", next);
    return next;
  }
}
