import { assertNever } from "@skein/engine";
import { notFound } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import type { AdminDatabase, NewTaskRow, TaskRow } from "./database.js";

/** Columns a task list may be ordered by; ties are broken by (name, version), so every order is total. */
export type TaskSortKey = "name" | "version" | "created_at";

/** A task version's identity within the table. */
export interface TaskKey {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
  readonly version: string;
}

export interface TaskListQuery {
  readonly project: string;
  readonly domain: string;
  /** When set, only versions of this name. */
  readonly name?: string;
  readonly sortKey: TaskSortKey;
  readonly descending: boolean;
  /** The last row of the previous page: its sort column's value, name and version. */
  readonly after?: { readonly value: string | Date; readonly name: string; readonly version: string };
  readonly limit: number;
  readonly includeArchived: boolean;
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

  /** One page of a project and domain in keyset order, starting after `query.after`; at most `limit` rows. */
  async list(query: TaskListQuery, trx?: Transaction<AdminDatabase>): Promise<TaskRow[]> {
    const direction = query.descending ? "desc" : "asc";
    let select = (trx ?? this.db).selectFrom("task").selectAll().where("project", "=", query.project).where("domain", "=", query.domain);
    if (query.name !== undefined) select = select.where("name", "=", query.name);
    if (!query.includeArchived) select = select.where("state", "=", "active");
    const after = query.after;
    const op = query.descending ? "<" : ">";
    switch (query.sortKey) {
      case "name":
        if (after !== undefined) select = select.where((eb) => eb(eb.refTuple("name", "version"), op, eb.tuple(after.name, after.version)));
        return select.orderBy("name", direction).orderBy("version", direction).limit(query.limit).execute();
      case "version":
        if (after !== undefined) select = select.where((eb) => eb(eb.refTuple("version", "name"), op, eb.tuple(after.version, after.name)));
        return select.orderBy("version", direction).orderBy("name", direction).limit(query.limit).execute();
      case "created_at":
        if (after !== undefined) {
          const at = new Date(after.value);
          select = select.where((eb) => eb(eb.refTuple("created_at", "name", "version"), op, eb.tuple(at, after.name, after.version)));
        }
        return select.orderBy("created_at", direction).orderBy("name", direction).orderBy("version", direction).limit(query.limit).execute();
      default:
        return assertNever(query.sortKey, "task sort key");
    }
  }
}
