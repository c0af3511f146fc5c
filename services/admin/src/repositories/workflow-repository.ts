import { notFound } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import { applyFilters, type FilterCondition } from "../domain/filters.js";
import { applyKeyset, type KeysetPlan } from "../domain/list-query.js";
import type { AdminDatabase, NewWorkflowRow, VersionRowState, WorkflowRow } from "./database.js";
import { versionKeyText, type VersionKey } from "./version-key.js";

/** Which versions of a project and domain a list covers; paging and order come with the plan. */
export interface VersionListScope {
  readonly project: string;
  readonly domain: string;
  /** When set, only versions of this name. */
  readonly name?: string;
  readonly includeArchived: boolean;
  readonly filters: readonly FilterCondition[];
}

/** Workflow versions in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class WorkflowRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /** Inserts a version unless its key is taken; returns the new row, or undefined when it was. */
  async insertIfAbsent(row: NewWorkflowRow, trx?: Transaction<AdminDatabase>): Promise<WorkflowRow | undefined> {
    // Buffer, because node-postgres binds a plain Uint8Array as text rather than bytea.
    const values = { ...row, closure: Buffer.from(row.closure) };
    return (trx ?? this.db)
      .insertInto("workflow")
      .values(values)
      .onConflict((oc) => oc.columns(["project", "domain", "name", "version"]).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** The version with this key, or undefined. */
  async find(key: VersionKey, trx?: Transaction<AdminDatabase>): Promise<WorkflowRow | undefined> {
    return (trx ?? this.db)
      .selectFrom("workflow")
      .selectAll()
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("version", "=", key.version)
      .executeTakeFirst();
  }

  /** The version with this key; NotFound naming it when there is none. */
  async get(key: VersionKey, trx?: Transaction<AdminDatabase>): Promise<WorkflowRow> {
    const row = await this.find(key, trx);
    if (row === undefined) throw notFound(`workflow "${versionKeyText(key)}"`);
    return row;
  }

  /** Moves a version to `state`; NotFound when there is none. */
  async setState(key: VersionKey, state: VersionRowState, trx?: Transaction<AdminDatabase>): Promise<WorkflowRow> {
    const row = await (trx ?? this.db)
      .updateTable("workflow")
      .set({ state })
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("version", "=", key.version)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw notFound(`workflow "${versionKeyText(key)}"`);
    return row;
  }

  /** One page (plus one row) of the scope in the plan's keyset order. */
  async list(scope: VersionListScope, plan: KeysetPlan, trx?: Transaction<AdminDatabase>): Promise<WorkflowRow[]> {
    let select = (trx ?? this.db).selectFrom("workflow").selectAll().where("project", "=", scope.project).where("domain", "=", scope.domain);
    if (scope.name !== undefined) select = select.where("name", "=", scope.name);
    if (!scope.includeArchived) select = select.where("state", "=", "active");
    return applyKeyset(applyFilters(select, scope.filters), plan).execute();
  }
}
