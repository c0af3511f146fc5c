import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { CompiledWorkflowClosureSchema, ResourceType, type CompiledWorkflowClosure, type Identifier } from "@skein/idl";
import { WorkflowSchema, type Workflow } from "@skein/idl/admin/v1";
import type { NewWorkflowRow, WorkflowRow } from "../database.js";
import { versionStateFromRow } from "./version-state.js";

/** A new, active row for a compiled and hashed workflow version. */
export function workflowToNewRow(id: Identifier, closure: CompiledWorkflowClosure, digest: string, description: string, now: Date): NewWorkflowRow {
  return {
    project: id.project,
    domain: id.domain,
    name: id.name,
    version: id.version,
    closure: toBinary(CompiledWorkflowClosureSchema, closure),
    digest,
    description,
    state: "active",
    created_at: now,
  };
}

/** The compiled closure stored in a row: the workflow with every task, sub-workflow and launch plan it uses. */
export function compiledClosureFromRow(row: Pick<WorkflowRow, "closure">): CompiledWorkflowClosure {
  return fromBinary(CompiledWorkflowClosureSchema, row.closure);
}

/** The API view of a row. */
export function workflowFromRow(row: WorkflowRow): Workflow {
  return create(WorkflowSchema, {
    id: { resourceType: ResourceType.WORKFLOW, project: row.project, domain: row.domain, name: row.name, version: row.version },
    closure: { compiledWorkflow: compiledClosureFromRow(row), digest: row.digest, createdAt: timestampFromDate(row.created_at) },
    description: row.description,
    state: versionStateFromRow(row.state),
  });
}
