import { notFound } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import type { ExecutionKey } from "../domain/execution-hash.js";
import { executionKeyText } from "../domain/execution-hash.js";
import type { AssignmentRow, AssignmentRowUpdate, NewAssignmentRow, RouterDatabase } from "./database.js";

type Db = Kysely<RouterDatabase> | Transaction<RouterDatabase>;

/** Assignments in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class AssignmentRepository {
  constructor(private readonly db: Kysely<RouterDatabase>) {}

  async find(key: ExecutionKey, trx?: Db): Promise<AssignmentRow | undefined> {
    return (trx ?? this.db)
      .selectFrom("assignment")
      .selectAll()
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .executeTakeFirst();
  }

  /** The assignment; NotFound when the execution has none. */
  async get(key: ExecutionKey, trx?: Db): Promise<AssignmentRow> {
    const row = await this.find(key, trx);
    if (row === undefined) throw notFound(`assignment of execution "${executionKeyText(key)}"`);
    return row;
  }

  /** The assignment locked until the transaction ends; NotFound when the execution has none. */
  async lock(key: ExecutionKey, trx: Transaction<RouterDatabase>): Promise<AssignmentRow> {
    const row = await trx
      .selectFrom("assignment")
      .selectAll()
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .forUpdate()
      .executeTakeFirst();
    if (row === undefined) throw notFound(`assignment of execution "${executionKeyText(key)}"`);
    return row;
  }

  async insert(row: NewAssignmentRow, trx: Transaction<RouterDatabase>): Promise<AssignmentRow> {
    return trx.insertInto("assignment").values(row).returningAll().executeTakeFirstOrThrow();
  }

  async update(key: ExecutionKey, changes: AssignmentRowUpdate, trx: Transaction<RouterDatabase>): Promise<AssignmentRow> {
    return trx
      .updateTable("assignment")
      .set(changes)
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Locks up to `limit` active assignments owned by any of `clusterIds`, skipping rows another
   * transaction holds: concurrent movers (router replicas) take disjoint batches, and a row moved
   * meanwhile no longer matches, so each assignment moves once.
   */
  async lockActiveOf(clusterIds: readonly string[], limit: number, trx: Transaction<RouterDatabase>): Promise<AssignmentRow[]> {
    if (clusterIds.length === 0) return [];
    return trx
      .selectFrom("assignment")
      .selectAll()
      .where("state", "=", "active")
      .where("cluster_id", "in", clusterIds)
      .orderBy("project").orderBy("domain").orderBy("name")
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
  }

  /**
   * Locks up to `limit` pending assignments in (created_at, key) order after `after`, skipping rows
   * another transaction holds. Paging on with the last row visits every pending assignment once.
   */
  async lockPending(limit: number, after: AssignmentRow | undefined, trx: Transaction<RouterDatabase>): Promise<AssignmentRow[]> {
    let query = trx.selectFrom("assignment").selectAll().where("state", "=", "pending");
    if (after !== undefined) {
      query = query.where((eb) =>
        eb(eb.refTuple("created_at", "project", "domain", "name"), ">", eb.tuple(after.created_at, after.project, after.domain, after.name)),
      );
    }
    return query.orderBy("created_at").orderBy("project").orderBy("domain").orderBy("name").limit(limit).forUpdate().skipLocked().execute();
  }

  /** The active assignments of a cluster, in key order (a watcher's snapshot). */
  async listActiveOf(clusterId: string, trx?: Db): Promise<AssignmentRow[]> {
    return (trx ?? this.db)
      .selectFrom("assignment")
      .selectAll()
      .where("state", "=", "active")
      .where("cluster_id", "=", clusterId)
      .orderBy("project").orderBy("domain").orderBy("name")
      .execute();
  }
}
