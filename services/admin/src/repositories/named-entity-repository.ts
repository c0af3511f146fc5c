import { notFound } from "@skein/server";
import { sql, type Kysely, type Transaction } from "kysely";
import { applyFilters, type FilterCondition } from "../domain/filters.js";
import { applyKeyset, type KeysetPlan } from "../domain/list-query.js";
import type { AdminDatabase, EntityRowType, NamedEntityRow, VersionRowState } from "./database.js";

/** A task, workflow or launch plan name. */
export interface EntityName {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/** A name as lists show it: its metadata (defaults when never set) and the span of its versions. */
export interface NamedEntityListRow {
  name: string;
  description: string;
  state: VersionRowState;
  created_at: Date;
  latest_version_created_at: Date;
}

export interface NamedEntityListScope {
  readonly project: string;
  readonly domain: string;
  /** When set, only this name. */
  readonly name?: string;
  readonly includeArchived: boolean;
  readonly filters: readonly FilterCondition[];
}

// The table holding the versions of each kind; names exist exactly while they have versions.
const versionTables: Readonly<Record<EntityRowType, "task" | "workflow" | "launch_plan">> = { task: "task", workflow: "workflow", launch_plan: "launch_plan" };

/** Names and their metadata. Every method runs inside `trx` when given, so callers compose transactions. */
export class NamedEntityRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /** Creates or replaces the metadata of a name. */
  async upsert(type: EntityRowType, name: EntityName, metadata: { description: string; state: VersionRowState }, now: Date, trx?: Transaction<AdminDatabase>): Promise<NamedEntityRow> {
    return (trx ?? this.db)
      .insertInto("named_entity")
      .values({ resource_type: type, project: name.project, domain: name.domain, name: name.name, ...metadata, updated_at: now })
      .onConflict((oc) => oc.columns(["resource_type", "project", "domain", "name"]).doUpdateSet({ ...metadata, updated_at: now }))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** One name with its versions' span; NotFound when it has no version. */
  async get(type: EntityRowType, name: EntityName, trx?: Transaction<AdminDatabase>): Promise<NamedEntityListRow> {
    const plan: KeysetPlan = { columns: [{ column: "name", kind: "text" }], descending: false, fetch: 1 };
    const [row] = await this.list(type, { ...name, includeArchived: true, filters: [] }, plan, trx);
    if (row === undefined) throw notFound(`${type.replace("_", " ")} "${name.project}/${name.domain}/${name.name}"`);
    return row;
  }

  /** One page (plus one row) of the names of a kind in a project and domain, in the plan's keyset order. */
  async list(type: EntityRowType, scope: NamedEntityListScope, plan: KeysetPlan, trx?: Transaction<AdminDatabase>): Promise<NamedEntityListRow[]> {
    const versions = sql.table(versionTables[type]);
    const onlyName = scope.name === undefined ? sql`` : sql`AND v.name = ${scope.name}`;
    const names = sql<NamedEntityListRow>`(
      SELECT v.name, coalesce(n.description, '') AS description, coalesce(n.state, 'active') AS state,
             min(v.created_at) AS created_at, max(v.created_at) AS latest_version_created_at
      FROM ${versions} v
      LEFT JOIN named_entity n ON n.resource_type = ${type} AND n.project = v.project AND n.domain = v.domain AND n.name = v.name
      WHERE v.project = ${scope.project} AND v.domain = ${scope.domain} ${onlyName}
      GROUP BY v.name, n.description, n.state
    )`;
    let select = (trx ?? this.db).selectFrom(names.as("e")).selectAll();
    if (!scope.includeArchived) select = select.where("state", "=", "active");
    return applyKeyset(applyFilters(select, scope.filters), plan).execute();
  }
}
