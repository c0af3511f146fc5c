import { notFound } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import { applyFilters } from "../domain/filters.js";
import { applyKeyset, type KeysetPlan } from "../domain/list-query.js";
import type { AdminDatabase, NewTaskRow, TaskRow, VersionRowState } from "./database.js";
import type { VersionListScope } from "./workflow-repository.js";

/** A task version's identity within the table. */
export interface TaskKey {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
  readonly version: string;
}

/** How a key reads in messages: `project/domain/name@version`. */
export function taskKeyText(key: TaskKey): string {
  return `${key.project}/${key.domain}/${key.name}@${key.version}`;
}

/** Task versions in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class TaskRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /**
   * Inserts a version unless one with the same key exists; returns the new row, or undefined when
   * the key was taken (the caller decides whether the existing row is the same content).
   */
  async insertIfAbsent(row: NewTaskRow, trx?: Transaction<AdminDatabase>): Promise<TaskRow | undefined> {
    // Buffer, because node-postgres binds a plain Uint8Array as text rather than bytea.
    const values = { ...row, template: Buffer.from(row.template) };
    return (trx ?? this.db)
      .insertInto("task")
      .values(values)
      .onConflict((oc) => oc.columns(["project", "domain", "name", "version"]).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** The version with this key; NotFound naming it when there is none. */
  async get(key: TaskKey, trx?: Transaction<AdminDatabase>): Promise<TaskRow> {
    const row = await (trx ?? this.db)
      .selectFrom("task")
      .selectAll()
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("version", "=", key.version)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`task "${taskKeyText(key)}"`);
    return row;
  }

  /** Archives or restores a version; NotFound when there is none. */
  async setState(key: TaskKey, state: VersionRowState, trx?: Transaction<AdminDatabase>): Promise<TaskRow> {
    const row = await (trx ?? this.db)
      .updateTable("task")
      .set({ state })
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("version", "=", key.version)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw notFound(`task "${taskKeyText(key)}"`);
    return row;
  }

  /** One page (plus one row) of the scope in the plan's keyset order. */
  async list(scope: VersionListScope, plan: KeysetPlan, trx?: Transaction<AdminDatabase>): Promise<TaskRow[]> {
    let select = (trx ?? this.db).selectFrom("task").selectAll().where("project", "=", scope.project).where("domain", "=", scope.domain);
    if (scope.name !== undefined) select = select.where("name", "=", scope.name);
    if (!scope.includeArchived) select = select.where("state", "=", "active");
    return applyKeyset(applyFilters(select, scope.filters), plan).execute();
  }
}
