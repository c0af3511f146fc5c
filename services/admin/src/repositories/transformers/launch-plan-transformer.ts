import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { IdentifierSchema, LaunchPlanTemplateSchema, ResourceType, type Identifier, type LaunchPlanTemplate, type ParameterMap, type VariableMap } from "@skein/idl";
import {
  LaunchPlanClosureSchema,
  LaunchPlanSchema,
  LaunchPlanSpecSchema,
  LaunchPlanState,
  type LaunchPlan,
  type LaunchPlanSpec,
} from "@skein/idl/admin/v1";
import type { LaunchPlanRow, NewLaunchPlanRow } from "../database.js";
import { versionStateFromRow } from "./version-state.js";

/**
 * A new, inactive and unarchived row. `derived` holds what registration computed (expected inputs
 * and outputs); state, digest and times live in columns and are filled in on the way out.
 */
export function launchPlanToNewRow(
  id: Identifier,
  spec: LaunchPlanSpec,
  derived: { readonly expectedInputs: ParameterMap; readonly expectedOutputs: VariableMap },
  digest: string,
  now: Date,
): NewLaunchPlanRow {
  const workflow = spec.workflowId;
  return {
    project: id.project,
    domain: id.domain,
    name: id.name,
    version: id.version,
    workflow_name: workflow?.name ?? "",
    workflow_version: workflow?.version ?? "",
    spec: toBinary(LaunchPlanSpecSchema, spec),
    closure: toBinary(LaunchPlanClosureSchema, create(LaunchPlanClosureSchema, { expectedInputs: derived.expectedInputs, expectedOutputs: derived.expectedOutputs })),
    digest,
    has_schedule: spec.schedule !== undefined,
    state: "active",
    created_at: now,
    updated_at: now,
  };
}

/** The registered spec of a row. */
export function launchPlanSpecFromRow(row: Pick<LaunchPlanRow, "spec">): LaunchPlanSpec {
  return fromBinary(LaunchPlanSpecSchema, row.spec);
}

/** The identifier of a row's version. */
export function launchPlanIdFromRow(row: Pick<LaunchPlanRow, "project" | "domain" | "name" | "version">): Identifier {
  return create(IdentifierSchema, { resourceType: ResourceType.LAUNCH_PLAN, project: row.project, domain: row.domain, name: row.name, version: row.version });
}

/** The API view of a row: spec as registered, closure with the current state. */
export function launchPlanFromRow(row: LaunchPlanRow): LaunchPlan {
  const closure = fromBinary(LaunchPlanClosureSchema, row.closure);
  closure.state = row.active ? LaunchPlanState.ACTIVE : LaunchPlanState.INACTIVE;
  closure.digest = row.digest;
  closure.createdAt = timestampFromDate(row.created_at);
  closure.updatedAt = timestampFromDate(row.updated_at);
  return create(LaunchPlanSchema, {
    id: launchPlanIdFromRow(row),
    spec: launchPlanSpecFromRow(row),
    closure,
    versionState: versionStateFromRow(row.state),
  });
}

/** What a workflow node calling this launch plan is compiled against: the inputs callers may pass, the outputs, the fixed inputs. */
export function launchPlanTemplateFromRow(row: LaunchPlanRow): LaunchPlanTemplate {
  const closure = fromBinary(LaunchPlanClosureSchema, row.closure);
  const inputs = Object.fromEntries(Object.entries(closure.expectedInputs?.parameters ?? {}).flatMap(([name, p]) => (p.var ? [[name, p.var]] : [])));
  return create(LaunchPlanTemplateSchema, {
    id: launchPlanIdFromRow(row),
    interface: { inputs: { variables: inputs }, outputs: closure.expectedOutputs },
    fixedInputs: launchPlanSpecFromRow(row).fixedInputs,
  });
}
