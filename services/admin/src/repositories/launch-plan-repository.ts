import { notFound } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import type { AdminDatabase, LaunchPlanRow } from "./database.js";
import type { VersionKey } from "./version-key.js";
import { VersionRepository } from "./version-repository.js";

/** A launch plan name: every version of it shares project, domain and name. */
export interface LaunchPlanName {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/** Launch plan versions in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class LaunchPlanRepository extends VersionRepository<"launch_plan"> {
  constructor(db: Kysely<AdminDatabase>) {
    super(db, "launch_plan", "launch plan", ["spec", "closure"]);
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
}
