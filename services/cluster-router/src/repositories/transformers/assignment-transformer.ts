import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AssignmentSchema, AssignmentState, type Assignment } from "@skein/idl/router/v1";
import { assertNever } from "@skein/engine";
import type { AssignmentRow, AssignmentRowState } from "../database.js";

function stateToApi(state: AssignmentRowState): AssignmentState {
  switch (state) {
    case "pending":
      return AssignmentState.PENDING;
    case "active":
      return AssignmentState.ACTIVE;
    case "released":
      return AssignmentState.RELEASED;
    default:
      return assertNever(state);
  }
}

/**
 * The API message for a stored assignment. A pending assignment shows epoch 0 and no cluster even
 * when it keeps the epoch of a cluster it was moved away from.
 */
export function assignmentFromRow(row: AssignmentRow): Assignment {
  const pending = row.state === "pending";
  return create(AssignmentSchema, {
    executionId: { project: row.project, domain: row.domain, name: row.name },
    state: stateToApi(row.state),
    clusterId: pending ? "" : (row.cluster_id ?? ""),
    epoch: pending ? 0n : BigInt(row.epoch),
    previousClusterId: row.previous_cluster_id ?? "",
    selection: { clusterId: row.selection_cluster_id, clusterLabel: row.selection_label, region: row.selection_region },
    createdAt: timestampFromDate(row.created_at),
    assignedAt: pending || row.assigned_at === null ? undefined : timestampFromDate(row.assigned_at),
    termination:
      row.termination_requested_at === null
        ? undefined
        : { cause: row.termination_cause ?? "", principal: row.termination_principal ?? "", requestedAt: timestampFromDate(row.termination_requested_at) },
    pendingReason: pending ? row.pending_reason : "",
  });
}
