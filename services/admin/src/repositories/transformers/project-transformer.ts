import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ProjectSchema, ProjectState, type Domain, type Project } from "@skein/idl/admin/v1";
import { assertNever } from "@skein/engine";
import type { NewProjectRow, ProjectRow, ProjectRowState } from "../database.js";

/** The row state for an API state; unspecified means active, as the contract says for registration. */
export function projectStateToRow(state: ProjectState): ProjectRowState {
  switch (state) {
    case ProjectState.UNSPECIFIED:
    case ProjectState.ACTIVE:
      return "active";
    case ProjectState.ARCHIVED:
      return "archived";
    default:
      return assertNever(state, "project state");
  }
}

function projectStateFromRow(state: ProjectRowState): ProjectState {
  switch (state) {
    case "active":
      return ProjectState.ACTIVE;
    case "archived":
      return ProjectState.ARCHIVED;
    default:
      return assertNever(state, "project row state");
  }
}

/** A new row from a project as registered; output-only fields (domains, created_at) are ignored. */
export function projectToNewRow(project: Project, now: Date): NewProjectRow {
  return {
    id: project.id,
    name: project.name === "" ? project.id : project.name,
    description: project.description,
    labels: JSON.stringify(project.labels),
    state: projectStateToRow(project.state),
    created_at: now,
    updated_at: now,
  };
}

/** The API view of a row; every project has all configured domains. */
export function projectFromRow(row: ProjectRow, domains: readonly Domain[]): Project {
  return create(ProjectSchema, {
    id: row.id,
    name: row.name,
    description: row.description,
    labels: { ...row.labels },
    state: projectStateFromRow(row.state),
    domains: [...domains],
    createdAt: timestampFromDate(row.created_at),
  });
}
