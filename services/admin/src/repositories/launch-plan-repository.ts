import { notFound } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import { applyFilters } from "../domain/filters.js";
import { applyKeyset, type KeysetPlan } from "../domain/list-query.js";
import type { AdminDatabase, LaunchPlanRow, NewLaunchPlanRow, VersionRowState } from "./database.js";
import { versionKeyText, type VersionKey } from "./version-key.js";
import type { VersionListScope } from "./workflow-repository.js";

/** A launch plan name: every version of it shares project, domain and name. */
export interface LaunchPlanName {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/** Launch plan versions in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class LaunchPlanRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /** Inserts a version unless its key is taken; returns the new row, or undefined when it was. */
  async insertIfAbsent(row: NewLaunchPlanRow, trx?: Transaction<AdminDatabase>): Promise<LaunchPlanRow | undefined> {
    // Buffer, because node-postgres binds a plain Uint8Array as text rather than bytea.
    const values = { ...row, spec: Buffer.from(row.spec), closure: Buffer.from(row.closure) };
    return (trx ?? this.db)
      .insertInto("launch_plan")
      .values(values)
      .onConflict((oc) => oc.columns(["project", "domain", "name", "version"]).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** The version with this key, or undefined. */
  async find(key: VersionKey, trx?: Transaction<AdminDatabase>): Promise<LaunchPlanRow | undefined> {
    return (trx ?? this.db)
      .selectFrom("launch_plan")
      .selectAll()
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("version", "=", key.version)
      .executeTakeFirst();
  }

  /** The version with this key; NotFound naming it when there is none. */
  async get(key: VersionKey, trx?: Transaction<AdminDatabase>): Promise<LaunchPlanRow> {
    const row = await this.find(key, trx);
    if (row === undefined) throw notFound(`launch plan "${versionKeyText(key)}"`);
    return row;
  }

  /** The active version of a name; NotFound when no version is active. */
  async getActive(name: LaunchPlanName, trx?: Transaction<AdminDatabase>): Promise<LaunchPlanRow> {
    const row = await (trx ?? this.db)
      .selectFrom("launch_plan")
      .selectAll()
      .where("project", "=", name.project)
      .where("domain", "=", name.domain)
      .where("name", "=", name.name)
      .where("active", "=", true)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`active version of launch plan "${name.project}/${name.domain}/${name.name}"`);
    return row;
  }

  /**
   * Locks every version of a name until `trx` ends, in a fixed order (so two lockers never
   * deadlock). Activation takes this lock, which serializes concurrent activations of one name.
   */
  async lockName(name: LaunchPlanName, trx: Transaction<AdminDatabase>): Promise<void> {
    await trx
      .selectFrom("launch_plan")
      .select("version")
      .where("project", "=", name.project)
      .where("domain", "=", name.domain)
      .where("name", "=", name.name)
      .orderBy("version")
      .forUpdate()
      .execute();
  }

  /** Makes `key` the one active version of its name, deactivating the previous one. Call under lockName. */
  async activate(key: VersionKey, now: Date, trx: Transaction<AdminDatabase>): Promise<LaunchPlanRow> {
    await trx
      .updateTable("launch_plan")
      .set({ active: false, updated_at: now })
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("active", "=", true)
      .where("version", "<>", key.version)
      .execute();
    return this.update(key, { active: true, updated_at: now }, trx);
  }

  /** Deactivates one version. */
  async deactivate(key: VersionKey, now: Date, trx?: Transaction<AdminDatabase>): Promise<LaunchPlanRow> {
    return this.update(key, { active: false, updated_at: now }, trx);
  }

  /** Archives or restores one version (the table refuses to archive an active one). */
  async setState(key: VersionKey, state: VersionRowState, trx?: Transaction<AdminDatabase>): Promise<LaunchPlanRow> {
    return this.update(key, { state }, trx);
  }

  /** One page (plus one row) of the scope in the plan's keyset order. */
  async list(scope: VersionListScope, plan: KeysetPlan, trx?: Transaction<AdminDatabase>): Promise<LaunchPlanRow[]> {
    let select = (trx ?? this.db).selectFrom("launch_plan").selectAll().where("project", "=", scope.project).where("domain", "=", scope.domain);
    if (scope.name !== undefined) select = select.where("name", "=", scope.name);
    if (!scope.includeArchived) select = select.where("state", "=", "active");
    return applyKeyset(applyFilters(select, scope.filters), plan).execute();
  }

  /** Every active version that has a schedule, in all projects: what a scheduler fires. */
  async listActiveScheduled(trx?: Transaction<AdminDatabase>): Promise<LaunchPlanRow[]> {
    return (trx ?? this.db)
      .selectFrom("launch_plan")
      .selectAll()
      .where("active", "=", true)
      .where("has_schedule", "=", true)
      .orderBy("project")
      .orderBy("domain")
      .orderBy("name")
      .execute();
  }

  private async update(
    key: VersionKey,
    changes: { active?: boolean; updated_at?: Date; state?: VersionRowState },
    trx?: Transaction<AdminDatabase>,
  ): Promise<LaunchPlanRow> {
    const row = await (trx ?? this.db)
      .updateTable("launch_plan")
      .set(changes)
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("version", "=", key.version)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw notFound(`launch plan "${versionKeyText(key)}"`);
    return row;
  }
}
