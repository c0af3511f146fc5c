import { assertNever } from "@skein/engine";
import { notFound } from "@skein/server";
import { sql, type Kysely, type Transaction } from "kysely";
import { applyFilters, type FilterCondition } from "../domain/filters.js";
import { mostSpecificFirst, type AttributeTarget } from "./attribute-repository.js";
import type { AdminDatabase, ExecutionRow, ExecutionRowPhase, NewExecutionRow, VersionRowState } from "./database.js";
import { EXECUTION_VIEW_COLUMNS, TERMINAL_EXECUTION_PHASES, type ExecutionViewRow } from "./transformers/execution-transformer.js";
import type { VersionKey } from "./version-key.js";

/** An execution's identity. */
export interface ExecutionKey {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/** A launch plan name (all versions), the unit a concurrency policy counts over. */
export interface LaunchPlanNameKey {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/** Columns an execution list may be ordered by; ties are broken by name, so every order is total. */
export type ExecutionSortKey = "name" | "phase" | "created_at" | "started_at" | "updated_at" | "duration";

export interface ExecutionListQuery {
  readonly project: string;
  readonly domain: string;
  readonly sortKey: ExecutionSortKey;
  readonly descending: boolean;
  /** The last row of the previous page: its sort value (null sorts last ascending) and its name. */
  readonly after?: { readonly value: string | number | null; readonly name: string };
  readonly limit: number;
  readonly includeArchived: boolean;
  /** Parsed filter conditions (column names are trusted: they come from the list's FilterFields). */
  readonly filters?: readonly FilterCondition[];
  /** When set, only executions of this kind of target. */
  readonly targetKind?: "launch_plan" | "task";
}

/** A target version as creation sees it under its row lock. */
export interface LockedTarget {
  readonly state: VersionRowState;
  readonly digest: string;
  /** The applicable EXECUTION_CLUSTER_LABEL MatchingAttributes (protobuf binary), if asked for and set. */
  readonly clusterAttributes: Uint8Array | null;
  /** The applicable WORKFLOW_EXECUTION_CONFIG MatchingAttributes (protobuf binary), if set. */
  readonly configAttributes: Uint8Array | null;
}

/** How a key reads in messages: `project/domain/name`. */
export function executionKeyText(key: ExecutionKey): string {
  return `${key.project}/${key.domain}/${key.name}`;
}

type Db = Kysely<AdminDatabase> | Transaction<AdminDatabase>;

// Binaries as Buffers, because node-postgres binds a plain Uint8Array as text rather than bytea.
function toInsertValues(row: NewExecutionRow): NewExecutionRow {
  return {
    ...row,
    spec: Buffer.from(row.spec),
    inputs: row.inputs == null ? null : Buffer.from(row.inputs),
    user_inputs: row.user_inputs == null ? null : Buffer.from(row.user_inputs),
  };
}

/** Executions in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class ExecutionRepository {
  constructor(private readonly db: Kysely<AdminDatabase>) {}

  /** Inserts an execution unless the name is taken; returns the new row, or undefined when it was. */
  async insertIfAbsent(row: NewExecutionRow, trx?: Transaction<AdminDatabase>): Promise<ExecutionRow | undefined> {
    return (trx ?? this.db)
      .insertInto("execution")
      .values(toInsertValues(row))
      .onConflict((oc) => oc.columns(["project", "domain", "name"]).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Inserts a new execution unless the name is taken; returns whether it was inserted. Reads
   * nothing back: the caller built the row.
   */
  async insertNew(row: NewExecutionRow, trx?: Transaction<AdminDatabase>): Promise<boolean> {
    const inserted = await (trx ?? this.db)
      .insertInto("execution")
      .values(toInsertValues(row))
      .onConflict((oc) => oc.columns(["project", "domain", "name"]).doNothing())
      .returning("name")
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /**
   * Locks a target version (launch plan or task) FOR SHARE until `trx` ends, so a concurrent
   * DeleteVersion waits for the execution that uses it, and reads in the same statement what
   * creation must see fresh: the version's state and content digest, the most specific
   * WORKFLOW_EXECUTION_CONFIG attribute for `scope` and, when `withClusterLabel`, the most specific
   * EXECUTION_CLUSTER_LABEL one (ranked as AttributeRepository.mostSpecific: launch plan, then
   * workflow, then project-domain, then project). Undefined when the version does not exist.
   */
  async lockTarget(
    kind: "launch_plan" | "task",
    key: VersionKey,
    scope: AttributeTarget,
    withClusterLabel: boolean,
    trx: Transaction<AdminDatabase>,
  ): Promise<LockedTarget | undefined> {
    // A scalar subquery with no row is NULL, whatever the column's type says.
    const attribute = (type: "execution_cluster_label" | "workflow_execution_config") =>
      mostSpecificFirst(trx.selectFrom("matchable_attribute").select("attributes"), type, scope).$asScalar().$castTo<Uint8Array | null>();
    const row = await trx
      .selectFrom(kind)
      .select(["state", "digest"])
      .select(() => (withClusterLabel ? attribute("execution_cluster_label").as("cluster_attributes") : sql<Uint8Array | null>`null::bytea`.as("cluster_attributes")))
      .select(() => attribute("workflow_execution_config").as("config_attributes"))
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("version", "=", key.version)
      .forShare()
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return { state: row.state, digest: row.digest, clusterAttributes: row.cluster_attributes ?? null, configAttributes: row.config_attributes };
  }

  /** The execution with this key; NotFound naming it when there is none. */
  async get(key: ExecutionKey, trx?: Transaction<AdminDatabase>): Promise<ExecutionRow> {
    const row = await this.find(key, trx);
    if (row === undefined) throw notFound(`execution "${executionKeyText(key)}"`);
    return row;
  }

  /** What the API view of the execution needs (no inline data, only its size); NotFound naming it when there is none. */
  async getView(key: ExecutionKey, trx?: Transaction<AdminDatabase>): Promise<ExecutionViewRow> {
    const row = await (trx ?? this.db)
      .selectFrom("execution")
      .select(EXECUTION_VIEW_COLUMNS)
      .select(sql<number | null>`octet_length(outputs)`.as("outputs_size"))
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`execution "${executionKeyText(key)}"`);
    return row;
  }

  /** The execution with this key, if any; `forUpdate` locks the row until the transaction ends. */
  async find(key: ExecutionKey, trx?: Transaction<AdminDatabase>, forUpdate = false): Promise<ExecutionRow | undefined> {
    let select = (trx ?? this.db).selectFrom("execution").selectAll().where("project", "=", key.project).where("domain", "=", key.domain).where("name", "=", key.name);
    if (forUpdate) select = select.forUpdate();
    return select.executeTakeFirst();
  }

  /**
   * Serializes concurrency decisions for one launch plan name until `trx` ends: a transaction-scoped
   * advisory lock on a hash of (project, domain, name). Hash collisions only serialize unrelated
   * names a little more; they never admit too many.
   */
  async lockLaunchPlanName(key: LaunchPlanNameKey, trx: Transaction<AdminDatabase>): Promise<void> {
    const lockKey = `skein.execution.concurrency:${key.project}/${key.domain}/${key.name}`;
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`.execute(trx);
  }

  /** How many admitted, non-terminal executions the launch plan name has, over all its versions. */
  async countInFlight(key: LaunchPlanNameKey, trx?: Transaction<AdminDatabase>): Promise<number> {
    const row = await this.#byLaunchPlanName(trx ?? this.db, key)
      .where("admission", "=", "admitted")
      .select((eb) => eb.fn.countAll<string | number | bigint>().as("count"))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** The oldest execution of the name that a QUEUE policy holds back, locked, if there is one. */
  async oldestWaiting(key: LaunchPlanNameKey, trx: Transaction<AdminDatabase>): Promise<ExecutionRow | undefined> {
    return this.#byLaunchPlanName(trx, key)
      .where("admission", "=", "waiting")
      .selectAll()
      .orderBy("created_at")
      .orderBy("name")
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
  }

  /** Launch plan names that have executions waiting for a slot. */
  async namesWithWaiting(trx?: Transaction<AdminDatabase>): Promise<LaunchPlanNameKey[]> {
    return (trx ?? this.db)
      .selectFrom("execution")
      .where("admission", "=", "waiting")
      .where("phase", "not in", TERMINAL_EXECUTION_PHASES)
      .select(["target_project as project", "target_domain as domain", "target_name as name"])
      .distinct()
      .execute();
  }

  /** Records that the data plane took the execution: admitted, with the cluster assignment it got. */
  async markAdmitted(key: ExecutionKey, cluster: string, epoch: bigint, now: Date, trx?: Transaction<AdminDatabase>): Promise<void> {
    await this.#where(trx ?? this.db, key)
      .set({ admission: "admitted", cluster, assignment_epoch: epoch.toString(), reason: "", updated_at: now })
      .execute();
  }

  /**
   * Moves a non-terminal execution to ABORTING with who asked and why; returns the updated row, or
   * undefined when it was already terminal (nothing changes then).
   */
  async markAborting(key: ExecutionKey, cause: string, principal: string, now: Date, trx?: Transaction<AdminDatabase>): Promise<ExecutionRow | undefined> {
    return this.#where(trx ?? this.db, key)
      .where("phase", "not in", TERMINAL_EXECUTION_PHASES)
      .set({ phase: "aborting", abort_cause: cause, abort_principal: principal, abort_requested_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirst();
  }

  /** Sets the phase (and reason) directly; used when the data plane is not involved, e.g. aborting a held-back execution. */
  async setPhase(key: ExecutionKey, phase: ExecutionRowPhase, reason: string, now: Date, trx?: Transaction<AdminDatabase>): Promise<void> {
    await this.#where(trx ?? this.db, key).set({ phase, reason, updated_at: now }).execute();
  }

  /** Archives or restores; returns whether a row changed. */
  async setState(key: ExecutionKey, state: "active" | "archived", now: Date, trx?: Transaction<AdminDatabase>): Promise<boolean> {
    const result = await this.#where(trx ?? this.db, key).set({ state, updated_at: now }).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Deletes the row (rows of other tables that reference it go with it by foreign key); returns whether one went. */
  async delete(key: ExecutionKey, trx?: Transaction<AdminDatabase>): Promise<boolean> {
    const result = await (trx ?? this.db)
      .deleteFrom("execution")
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Names of the child executions (started by launch plan nodes) of an execution in its project and domain. */
  async childNames(key: ExecutionKey, trx?: Transaction<AdminDatabase>): Promise<string[]> {
    const rows = await (trx ?? this.db)
      .selectFrom("execution")
      .select("name")
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("parent_name", "=", key.name)
      .execute();
    return rows.map((r) => r.name);
  }

  /** The name of one execution that runs this task or launch plan version directly, if any. */
  async anyByTarget(kind: "launch_plan" | "task", id: { project: string; domain: string; name: string; version: string }, trx?: Transaction<AdminDatabase>): Promise<string | undefined> {
    const row = await (trx ?? this.db)
      .selectFrom("execution")
      .select("name")
      .where("target_kind", "=", kind)
      .where("target_project", "=", id.project)
      .where("target_domain", "=", id.domain)
      .where("target_name", "=", id.name)
      .where("target_version", "=", id.version)
      .limit(1)
      .executeTakeFirst();
    return row?.name;
  }

  /** The name of one execution that runs this workflow version, if any. */
  async anyByWorkflow(id: { project: string; domain: string; name: string; version: string }, trx?: Transaction<AdminDatabase>): Promise<string | undefined> {
    const row = await (trx ?? this.db)
      .selectFrom("execution")
      .select("name")
      .where("project", "=", id.project)
      .where("domain", "=", id.domain)
      .where("workflow_name", "=", id.name)
      .where("workflow_version", "=", id.version)
      .limit(1)
      .executeTakeFirst();
    return row?.name;
  }

  /** One page of a project and domain in keyset order, starting after `query.after`; at most `limit` rows. */
  async list(query: ExecutionListQuery, trx?: Transaction<AdminDatabase>): Promise<ExecutionRow[]> {
    let select = (trx ?? this.db).selectFrom("execution").selectAll().where("project", "=", query.project).where("domain", "=", query.domain);
    if (!query.includeArchived) select = select.where("state", "=", "active");
    if (query.targetKind !== undefined) select = select.where("target_kind", "=", query.targetKind);
    select = applyFilters(select, query.filters ?? []);
    const column = sortColumn(query.sortKey);
    const direction = query.descending ? "desc" : "asc";
    // Nulls (not started, not finished) sort after every value ascending and before them descending,
    // as PostgreSQL does by default, and the keyset comparison below follows the same rule.
    const after = query.after;
    if (after !== undefined) {
      const op = query.descending ? "<" : ">";
      const value = after.value === null ? null : column === "created_at" || column === "started_at" || column === "updated_at" ? new Date(String(after.value)) : after.value;
      if (value === null) {
        select = query.descending
          ? select.where((eb) => eb.or([eb.and([eb(column, "is", null), eb("name", "<", after.name)]), eb(column, "is not", null)]))
          : select.where((eb) => eb.and([eb(column, "is", null), eb("name", ">", after.name)]));
      } else {
        select = select.where((eb) =>
          eb.or([
            eb(eb.refTuple(column, "name"), op, eb.tuple(value as never, after.name)),
            ...(query.descending ? [] : [eb(column, "is", null)]),
          ]),
        );
      }
    }
    return select.orderBy(column, direction).orderBy("name", direction).limit(query.limit).execute();
  }

  #byLaunchPlanName(db: Db, key: LaunchPlanNameKey) {
    return db
      .selectFrom("execution")
      .where("target_kind", "=", "launch_plan")
      .where("target_project", "=", key.project)
      .where("target_domain", "=", key.domain)
      .where("target_name", "=", key.name)
      .where("phase", "not in", TERMINAL_EXECUTION_PHASES);
  }

  #where(db: Db, key: ExecutionKey) {
    return db.updateTable("execution").where("project", "=", key.project).where("domain", "=", key.domain).where("name", "=", key.name);
  }
}

function sortColumn(key: ExecutionSortKey): "name" | "phase" | "created_at" | "started_at" | "updated_at" | "duration_ms" {
  switch (key) {
    case "name":
    case "phase":
    case "created_at":
    case "started_at":
    case "updated_at":
      return key;
    case "duration":
      return "duration_ms";
    default:
      return assertNever(key, "execution sort key");
  }
}
