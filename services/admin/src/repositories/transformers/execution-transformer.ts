import { create, fromBinary } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ExecutionErrorSchema, ResourceType, WorkflowExecutionPhase, type Identifier } from "@skein/idl";
import { ExecutionSchema, ExecutionSpecSchema, ExecutionState, type Execution, type ExecutionClosure } from "@skein/idl/admin/v1";
import { assertNever, singleTaskWorkflowId } from "@skein/engine";
import type { ExecutionRow, ExecutionRowPhase } from "../database.js";

/** The stored phase of an API phase (UNSPECIFIED is stored as 'undefined'). */
export function phaseToRow(phase: WorkflowExecutionPhase): ExecutionRowPhase {
  switch (phase) {
    case WorkflowExecutionPhase.UNSPECIFIED:
      return "undefined";
    case WorkflowExecutionPhase.QUEUED:
      return "queued";
    case WorkflowExecutionPhase.RUNNING:
      return "running";
    case WorkflowExecutionPhase.SUCCEEDING:
      return "succeeding";
    case WorkflowExecutionPhase.SUCCEEDED:
      return "succeeded";
    case WorkflowExecutionPhase.FAILING:
      return "failing";
    case WorkflowExecutionPhase.FAILED:
      return "failed";
    case WorkflowExecutionPhase.ABORTING:
      return "aborting";
    case WorkflowExecutionPhase.ABORTED:
      return "aborted";
    case WorkflowExecutionPhase.TIMED_OUT:
      return "timed_out";
    default:
      return assertNever(phase, "workflow execution phase");
  }
}

/** The API phase of a stored phase. */
export function phaseFromRow(phase: ExecutionRowPhase): WorkflowExecutionPhase {
  switch (phase) {
    case "undefined":
      return WorkflowExecutionPhase.UNSPECIFIED;
    case "queued":
      return WorkflowExecutionPhase.QUEUED;
    case "running":
      return WorkflowExecutionPhase.RUNNING;
    case "succeeding":
      return WorkflowExecutionPhase.SUCCEEDING;
    case "succeeded":
      return WorkflowExecutionPhase.SUCCEEDED;
    case "failing":
      return WorkflowExecutionPhase.FAILING;
    case "failed":
      return WorkflowExecutionPhase.FAILED;
    case "aborting":
      return WorkflowExecutionPhase.ABORTING;
    case "aborted":
      return WorkflowExecutionPhase.ABORTED;
    case "timed_out":
      return WorkflowExecutionPhase.TIMED_OUT;
    default:
      return assertNever(phase, "execution row phase");
  }
}

/** Phases after which nothing changes any more. */
export const TERMINAL_EXECUTION_PHASES: readonly ExecutionRowPhase[] = ["succeeded", "failed", "aborted", "timed_out"];

/** Whether a stored phase is terminal. */
export function isTerminalRowPhase(phase: ExecutionRowPhase): boolean {
  return TERMINAL_EXECUTION_PHASES.includes(phase);
}

/** An int8 column as a bigint, whichever driver read it. */
export function int8(value: string | number | bigint): bigint {
  return typeof value === "bigint" ? value : BigInt(value);
}

/** The id of the one-node workflow a single-task execution runs; it is generated, never registered. */
export { singleTaskWorkflowId };

/** The columns the API view of an execution is made of. */
export const EXECUTION_VIEW_COLUMNS = [
  "project",
  "domain",
  "name",
  "target_kind",
  "target_project",
  "target_domain",
  "target_name",
  "target_version",
  "workflow_name",
  "workflow_version",
  "spec",
  "phase",
  "reason",
  "cluster",
  "assignment_epoch",
  "started_at",
  "created_at",
  "updated_at",
  "duration_ms",
  "outputs_uri",
  "error",
  "abort_cause",
  "abort_principal",
  "abort_requested_at",
  "state",
] as const satisfies readonly (keyof ExecutionRow)[];

/**
 * What the API view of an execution reads: a whole row, or just the view columns with the size of
 * the inline outputs in place of their bytes (so reading one execution never loads its data).
 */
export type ExecutionViewRow = Pick<ExecutionRow, (typeof EXECUTION_VIEW_COLUMNS)[number]> &
  ({ readonly outputs: Uint8Array | null } | { readonly outputs_size: number | null });

function workflowIdOf(row: ExecutionViewRow): Identifier {
  if (row.target_kind === "task") {
    return singleTaskWorkflowId({ project: row.target_project, domain: row.target_domain, name: row.target_name, version: row.target_version });
  }
  return {
    $typeName: "skein.core.v1.Identifier",
    resourceType: ResourceType.WORKFLOW,
    project: row.project,
    domain: row.domain,
    name: row.workflow_name ?? "",
    version: row.workflow_version ?? "",
  };
}

function resultOf(row: ExecutionViewRow): ExecutionClosure["result"] {
  const inlineSize = "outputs_size" in row ? row.outputs_size : (row.outputs?.length ?? null);
  if (inlineSize !== null || row.outputs_uri !== null) {
    const sizeBytes = BigInt(inlineSize ?? 0);
    return { case: "outputs", value: { $typeName: "skein.admin.v1.LiteralMapRef", uri: row.outputs_uri ?? "", sizeBytes } };
  }
  if (row.error !== null) return { case: "error", value: fromBinary(ExecutionErrorSchema, row.error) };
  return { case: undefined };
}

/** The API view of an execution row. */
export function executionFromRow(row: ExecutionViewRow): Execution {
  const abortRequested = row.abort_requested_at !== null;
  return create(ExecutionSchema, {
    id: { project: row.project, domain: row.domain, name: row.name },
    spec: fromBinary(ExecutionSpecSchema, row.spec),
    closure: {
      phase: phaseFromRow(row.phase),
      reason: row.reason,
      ...(row.started_at !== null ? { startedAt: timestampFromDate(row.started_at) } : {}),
      ...(row.duration_ms !== null ? { duration: durationFromMs(Number(row.duration_ms)) } : {}),
      createdAt: timestampFromDate(row.created_at),
      updatedAt: timestampFromDate(row.updated_at),
      result: resultOf(row),
      workflowId: workflowIdOf(row),
      cluster: row.cluster,
      assignmentEpoch: int8(row.assignment_epoch),
      ...(abortRequested
        ? {
            abortMetadata: {
              cause: row.abort_cause ?? "",
              principal: row.abort_principal ?? "",
              requestedAt: timestampFromDate(row.abort_requested_at ?? row.updated_at),
            },
          }
        : {}),
    },
    state: row.state === "archived" ? ExecutionState.ARCHIVED : ExecutionState.ACTIVE,
  });
}
