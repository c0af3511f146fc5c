import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** How a project row stores its lifecycle; the API's enum never reaches the database. */
export type ProjectRowState = "active" | "archived";

export interface ProjectTable {
  id: string;
  name: string;
  description: Generated<string>;
  /** Label key to value; written as a JSON string, read back as an object. */
  labels: ColumnType<Record<string, string>, string, string>;
  state: ProjectRowState;
  created_at: ColumnType<Date, Date, never>;
  updated_at: Date;
}

/** How a registered version (task, workflow, launch plan) stores its visibility. */
export type VersionRowState = "active" | "archived";

/** One registered task version; (project, domain, name, version) is the primary key. */
export interface TaskTable {
  project: string;
  domain: string;
  name: string;
  version: string;
  /** The task template, protobuf binary. */
  template: ColumnType<Uint8Array, Uint8Array, never>;
  digest: ColumnType<string, string, never>;
  description: Generated<string>;
  state: VersionRowState;
  created_at: ColumnType<Date, Date, never>;
}

/** The admin schema as the repositories see it (the migrations own the truth). */
export interface AdminDatabase {
  project: ProjectTable;
  task: TaskTable;
}

export type ProjectRow = Selectable<ProjectTable>;
export type NewProjectRow = Insertable<ProjectTable>;
export type ProjectRowUpdate = Updateable<ProjectTable>;
export type TaskRow = Selectable<TaskTable>;
export type NewTaskRow = Insertable<TaskTable>;
