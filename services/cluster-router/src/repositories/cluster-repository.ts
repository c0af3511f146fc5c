import { notFound } from "@skein/server";
import { sql, type Kysely, type Transaction } from "kysely";
import type { ClusterRow, ClusterRowState, RouterDatabase } from "./database.js";

type Db = Kysely<RouterDatabase> | Transaction<RouterDatabase>;

/** The registration fields RegisterCluster may set or change. */
export interface ClusterRegistration {
  readonly id: string;
  readonly region: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly weight: number;
  readonly capacity: number;
  readonly endpoint: string;
  readonly domains: readonly string[];
  readonly projects: readonly string[];
}

/** A cluster row with the number of active assignments the router counts for it. */
export interface CountedCluster {
  readonly row: ClusterRow;
  readonly assigned: number;
}

/** Clusters in PostgreSQL. Every method runs inside `trx` when given, so callers compose transactions. */
export class ClusterRepository {
  constructor(private readonly db: Kysely<RouterDatabase>) {}

  /** Inserts the cluster or updates its registration, keeping drain state, load and heartbeat. */
  async upsert(registration: ClusterRegistration, now: Date, trx?: Db): Promise<{ row: ClusterRow; created: boolean }> {
    const fields = {
      region: registration.region,
      labels: JSON.stringify(registration.labels),
      weight: registration.weight,
      capacity: registration.capacity,
      endpoint: registration.endpoint,
      domains: JSON.stringify(registration.domains),
      projects: JSON.stringify(registration.projects),
      updated_at: now,
    };
    const result = await (trx ?? this.db)
      .insertInto("cluster")
      .values({ id: registration.id, ...fields, state: "active", registered_at: now })
      .onConflict((oc) => oc.column("id").doUpdateSet(fields))
      .returningAll()
      // xmax is 0 for a freshly inserted row version and set for one that replaced an old version.
      .returning(sql<boolean>`(xmax = 0)`.as("created"))
      .executeTakeFirstOrThrow();
    const { created, ...row } = result;
    return { row, created };
  }

  /** The cluster; NotFound when it is not registered. */
  async get(id: string, trx?: Db): Promise<ClusterRow> {
    const row = await this.find(id, trx);
    if (row === undefined) throw notFound(`cluster "${id}"`);
    return row;
  }

  async find(id: string, trx?: Db): Promise<ClusterRow | undefined> {
    return (trx ?? this.db).selectFrom("cluster").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Records a heartbeat with its load; NotFound when the cluster is not registered. */
  async heartbeat(id: string, load: { running: number; free: number }, now: Date, trx?: Db): Promise<ClusterRow> {
    const row = await (trx ?? this.db)
      .updateTable("cluster")
      .set({ running_executions: load.running, free_capacity: load.free, last_heartbeat_at: now })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw notFound(`cluster "${id}"`);
    return row;
  }

  /** Sets the drain state; NotFound when the cluster is not registered. */
  async setState(id: string, state: ClusterRowState, now: Date, trx?: Db): Promise<ClusterRow> {
    const row = await (trx ?? this.db)
      .updateTable("cluster")
      .set({ state, updated_at: now })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw notFound(`cluster "${id}"`);
    return row;
  }

  /** The cluster with its active assignment count; NotFound when it is not registered. */
  async getCounted(id: string, trx?: Db): Promise<CountedCluster> {
    const [counted] = await this.#withCounts([await this.get(id, trx)], trx);
    if (counted === undefined) throw notFound(`cluster "${id}"`);
    return counted;
  }

  /** Every cluster ordered by id, with its active assignment count; `region` filters when non-empty. */
  async listCounted(region: string, trx?: Db): Promise<CountedCluster[]> {
    let query = (trx ?? this.db).selectFrom("cluster").selectAll();
    if (region !== "") query = query.where("region", "=", region);
    const rows = await query.orderBy("id").execute();
    return this.#withCounts(rows, trx);
  }

  /**
   * Locks every cluster row (in id order, so concurrent lockers never deadlock) and returns them
   * with their active assignment counts. Every transaction that creates, moves or finishes an
   * active assignment holds these locks, so the counts stay true until it commits.
   */
  async lockAllCounted(trx: Transaction<RouterDatabase>): Promise<CountedCluster[]> {
    const rows = await trx.selectFrom("cluster").selectAll().orderBy("id").forUpdate().execute();
    return this.#withCounts(rows, trx);
  }

  async #withCounts(rows: ClusterRow[], trx?: Db): Promise<CountedCluster[]> {
    if (rows.length === 0) return [];
    const counts = await (trx ?? this.db)
      .selectFrom("assignment")
      .select(["cluster_id", (eb) => eb.fn.countAll<string | number | bigint>().as("count")])
      .where("state", "=", "active")
      .where("cluster_id", "in", rows.map((r) => r.id))
      .groupBy("cluster_id")
      .execute();
    const byCluster = new Map(counts.map((c) => [c.cluster_id, Number(c.count)]));
    return rows.map((row) => ({ row, assigned: byCluster.get(row.id) ?? 0 }));
  }

  /** Ids of clusters whose latest heartbeat is older than `cutoff` (never-heartbeated ones excluded). */
  async unreachableIds(cutoff: Date, trx?: Db): Promise<string[]> {
    const rows = await (trx ?? this.db).selectFrom("cluster").select("id").where("last_heartbeat_at", "<", cutoff).orderBy("id").execute();
    return rows.map((r) => r.id);
  }
}
