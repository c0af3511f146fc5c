import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ResourceType, TaskTemplateSchema, type Identifier, type TaskTemplate } from "@skein/idl";
import { TaskSchema, type Task } from "@skein/idl/admin/v1";
import type { NewTaskRow, TaskRow } from "../database.js";
import { versionStateFromRow } from "./version-state.js";

/** A new, active row for a task version whose template has been checked and hashed. */
export function taskToNewRow(id: Identifier, template: TaskTemplate, digest: string, description: string, now: Date): NewTaskRow {
  return {
    project: id.project,
    domain: id.domain,
    name: id.name,
    version: id.version,
    template: toBinary(TaskTemplateSchema, template),
    digest,
    description,
    state: "active",
    created_at: now,
  };
}

/** The stored template of a row. */
export function taskTemplateFromRow(row: TaskRow): TaskTemplate {
  return fromBinary(TaskTemplateSchema, row.template);
}

/** The API view of a row: its identifier, the compiled task (the template itself) and registration facts. */
export function taskFromRow(row: TaskRow): Task {
  return create(TaskSchema, {
    id: { resourceType: ResourceType.TASK, project: row.project, domain: row.domain, name: row.name, version: row.version },
    closure: { compiledTask: { template: taskTemplateFromRow(row) }, digest: row.digest, createdAt: timestampFromDate(row.created_at) },
    description: row.description,
    state: versionStateFromRow(row.state),
  });
}
