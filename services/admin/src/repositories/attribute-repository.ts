import { notFound } from "@skein/server";
import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from "kysely";
import type { AdminDatabase, AttributeRowType, MatchableAttributeRow } from "./database.js";

/**
 * Where an attribute is attached. Empty strings are the wildcards of the table: a project attribute
 * has domain '', a project-domain one has workflow and launch_plan ''.
 */
export interface AttributeScope {
  readonly project: string;
  readonly domain: string;
  readonly workflow: string;
  readonly launchPlan: string;
}

/** What an execution is: the most specific attribute matching it wins. */
export interface AttributeTarget {
  readonly project: string;
  readonly domain: string;
  readonly workflow?: string;
  readonly launchPlan?: string;
}

/** How a scope reads in messages. */
export function attributeScopeText(scope: AttributeScope): string {
  const parts = [`project "${scope.project}"`];
  if (scope.domain !== "") parts.push(`domain "${scope.domain}"`);
  if (scope.workflow !== "") parts.push(`workflow "${scope.workflow}"`);
  if (scope.launchPlan !== "") parts.push(`launch plan "${scope.launchPlan}"`);
  return parts.join(", ");
}

/** The key columns of the attribute of a kind at exactly this scope. */
function scopeColumns(type: AttributeRowType, scope: AttributeScope) {
  return { resource_type: type, project: scope.project, domain: scope.domain, workflow: scope.workflow, launch_plan: scope.launchPlan };
}

/** Matchable attributes in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class AttributeRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /** Creates or replaces the attribute of a kind at a scope. */
  async upsert(type: AttributeRowType, scope: AttributeScope, attributes: Uint8Array, now: Date, trx?: Transaction<AdminDatabase>): Promise<void> {
    // Buffer, because node-postgres binds a plain Uint8Array as text rather than bytea.
    const payload = Buffer.from(attributes);
    await (trx ?? this.db)
      .insertInto("matchable_attribute")
      .values({ ...scopeColumns(type, scope), attributes: payload, updated_at: now })
      .onConflict((oc) => oc.columns(["resource_type", "project", "domain", "workflow", "launch_plan"]).doUpdateSet({ attributes: payload, updated_at: now }))
      .execute();
  }

  /** The attribute of a kind at exactly this scope; NotFound when unset. */
  async get(type: AttributeRowType, scope: AttributeScope, trx?: Transaction<AdminDatabase>): Promise<MatchableAttributeRow> {
    const row = await (trx ?? this.db)
      .selectFrom("matchable_attribute")
      .selectAll()
      .where((eb) => eb.and(scopeColumns(type, scope)))
      .executeTakeFirst();
    if (row === undefined) throw notFound(`${type.replaceAll("_", " ")} attribute of ${attributeScopeText(scope)}`);
    return row;
  }

  /** Removes the attribute of a kind at exactly this scope; removing an unset one does nothing. */
  async delete(type: AttributeRowType, scope: AttributeScope, trx?: Transaction<AdminDatabase>): Promise<void> {
    await (trx ?? this.db)
      .deleteFrom("matchable_attribute")
      .where((eb) => eb.and(scopeColumns(type, scope)))
      .execute();
  }

  /** Every attribute of a kind, ordered by scope. */
  async list(type: AttributeRowType, trx?: Transaction<AdminDatabase>): Promise<MatchableAttributeRow[]> {
    return (trx ?? this.db)
      .selectFrom("matchable_attribute")
      .selectAll()
      .where("resource_type", "=", type)
      .orderBy("project")
      .orderBy("domain")
      .orderBy("workflow")
      .orderBy("launch_plan")
      .execute();
  }

  /**
   * The most specific attribute of a kind that applies to `target`: each scope column matches
   * exactly or is a wildcard, and launch plan beats workflow beats project-domain beats project.
   */
  async mostSpecific(type: AttributeRowType, target: AttributeTarget, trx?: Transaction<AdminDatabase>): Promise<MatchableAttributeRow | undefined> {
    return mostSpecificFirst((trx ?? this.db).selectFrom("matchable_attribute").selectAll(), type, target).executeTakeFirst();
  }
}

/**
 * Narrows a query over `matchable_attribute` to the attributes of `type` that apply to `target`
 * (each scope column exact or a wildcard), most specific first, one row: launch plan beats
 * workflow beats project-domain beats project. Also usable as a subquery.
 */
export function mostSpecificFirst<O>(
  query: SelectQueryBuilder<AdminDatabase, "matchable_attribute", O>,
  type: AttributeRowType,
  target: AttributeTarget,
): SelectQueryBuilder<AdminDatabase, "matchable_attribute", O> {
  // Qualified names: as a subquery, the outer query's columns of the same names are in scope too.
  return query
    .where("matchable_attribute.resource_type", "=", type)
    .where("matchable_attribute.project", "=", target.project)
    .where("matchable_attribute.domain", "in", ["", target.domain])
    .where("matchable_attribute.workflow", "in", ["", target.workflow ?? ""])
    .where("matchable_attribute.launch_plan", "in", ["", target.launchPlan ?? ""])
    .orderBy(sql`matchable_attribute.launch_plan <> ''`, "desc")
    .orderBy(sql`matchable_attribute.workflow <> ''`, "desc")
    .orderBy(sql`matchable_attribute.domain <> ''`, "desc")
    .limit(1);
}
