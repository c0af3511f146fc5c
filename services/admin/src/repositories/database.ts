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

/** The admin schema as the repositories see it (the migrations own the truth). */
export interface AdminDatabase {
  project: ProjectTable;
}

export type ProjectRow = Selectable<ProjectTable>;
export type NewProjectRow = Insertable<ProjectTable>;
export type ProjectRowUpdate = Updateable<ProjectTable>;
