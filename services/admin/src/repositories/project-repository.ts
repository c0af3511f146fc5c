import { alreadyExists, isUniqueViolation, notFound } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import { applyFilters, type FilterCondition } from "../domain/filters.js";
import type { AdminDatabase, NewProjectRow, ProjectRow, ProjectRowUpdate } from "./database.js";

/** Columns a project list may be ordered by; ties are broken by id, so every order is total. */
export type ProjectSortKey = "id" | "name" | "created_at";

export interface ProjectListQuery {
  readonly sortKey: ProjectSortKey;
  readonly descending: boolean;
  /** The last row of the previous page: its sort column's value and its id. */
  readonly after?: { readonly value: string | Date; readonly id: string };
  readonly limit: number;
  readonly includeArchived: boolean;
  /** Conditions parsed from the request's filters, ANDed with the rest. */
  readonly filters?: readonly FilterCondition[];
}

/** Projects in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class ProjectRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /** Inserts a project; AlreadyExists when the id is taken. */
  async insert(row: NewProjectRow, trx?: Transaction<AdminDatabase>): Promise<ProjectRow> {
    try {
      return await (trx ?? this.db).insertInto("project").values(row).returningAll().executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadyExists(`project "${row.id}"`, error);
      throw error;
    }
  }

  /** The project with this id; NotFound when there is none. */
  async get(id: string, trx?: Transaction<AdminDatabase>): Promise<ProjectRow> {
    const row = await (trx ?? this.db).selectFrom("project").selectAll().where("id", "=", id).executeTakeFirst();
    if (row === undefined) throw notFound(`project "${id}"`);
    return row;
  }

  /** Changes the given columns of one project; NotFound when there is none. */
  async update(id: string, changes: ProjectRowUpdate, trx?: Transaction<AdminDatabase>): Promise<ProjectRow> {
    const row = await (trx ?? this.db).updateTable("project").set(changes).where("id", "=", id).returningAll().executeTakeFirst();
    if (row === undefined) throw notFound(`project "${id}"`);
    return row;
  }

  /** One page in keyset order, starting after `query.after`; at most `limit` rows. */
  async list(query: ProjectListQuery, trx?: Transaction<AdminDatabase>): Promise<ProjectRow[]> {
    const direction = query.descending ? "desc" : "asc";
    let select = (trx ?? this.db).selectFrom("project").selectAll();
    if (!query.includeArchived) select = select.where("state", "=", "active");
    select = applyFilters(select, query.filters ?? []);
    const after = query.after;
    if (after !== undefined) {
      const op = query.descending ? "<" : ">";
      select =
        query.sortKey === "id"
          ? select.where("id", op, after.id)
          : select.where((eb) => eb(eb.refTuple(query.sortKey, "id"), op, eb.tuple(after.value, after.id)));
    }
    if (query.sortKey !== "id") select = select.orderBy(query.sortKey, direction);
    return select.orderBy("id", direction).limit(query.limit).execute();
  }
}
