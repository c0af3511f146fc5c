import { sql, type Kysely, type Transaction } from "kysely";
import type { PropellerDatabase } from "./database.js";

/** One execution of one cluster, as propeller's rows name it. */
export interface ExecutionKey {
  readonly cluster: string;
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/** Proof of ownership: the replica and the fencing token it claimed the execution with. */
export interface Lease {
  readonly key: ExecutionKey;
  readonly owner: string;
  readonly token: bigint;
}

/** An execution this replica just claimed. */
export interface ClaimedExecution {
  readonly lease: Lease;
  readonly epoch: bigint;
  readonly header: string | null;
  readonly terminateCause: string | null;
}

/** A stored piece of work. */
export interface WorkRow {
  readonly key: string;
  readonly decision: string;
  readonly pluginState: string | null;
}

/** What one engine step changes, written in one transaction or not at all. */
export interface StepWrite {
  readonly header: string;
  /** The execution's inputs and outputs, when this step changed them; else the stored text stays. */
  readonly executionData?: string;
  readonly nodes: readonly (readonly [string, string])[];
  /** New inputs and outputs of some of `nodes`; the others keep their stored data. */
  readonly nodeData: readonly (readonly [string, string])[];
  readonly removedNodes: readonly string[];
  readonly addWork: readonly { readonly key: string; readonly decision: string }[];
  readonly removeWork: readonly string[];
  readonly events: readonly Uint8Array[];
  /** Set when the execution ended: it is no longer claimed by anyone. */
  readonly done?: boolean;
}

/** A started attempt: its plugin handle and the events reporting it. */
export interface AttemptRecord {
  readonly workKey: string;
  /** The plugin's handle; null to keep the stored one (an attempt still waiting for a quota has none). */
  readonly pluginState: string | null;
  readonly events: readonly Uint8Array[];
}

/** A queued event to send. */
export interface OutboxRow {
  readonly seq: bigint;
  readonly key: ExecutionKey;
  readonly event: Uint8Array;
}

/** Raised when a write finds that another replica owns the execution now (or it was revoked). */
export class LeaseLostError extends Error {
  constructor(key: ExecutionKey) {
    super(`lease on ${key.project}/${key.domain}/${key.name} is lost`);
    this.name = "LeaseLostError";
  }
}

type Db = Kysely<PropellerDatabase> | Transaction<PropellerDatabase>;

/** Rows of one execution, in any of propeller's tables (they share the key columns). */
function keyFilter(key: ExecutionKey) {
  return sql<boolean>`cluster_id = ${key.cluster} AND project = ${key.project} AND domain = ${key.domain} AND name = ${key.name}`;
}

const keyColumns = (key: ExecutionKey) => ({ cluster_id: key.cluster, project: key.project, domain: key.domain, name: key.name });

/**
 * Propeller's persistence: executions with their leases, the engine state as one header and one
 * row per node, open work and the event outbox. Every write on behalf of a running execution is
 * fenced by its lease token, so a replica that lost its lease can no longer change anything.
 */
export class ExecutionStore {
  constructor(private readonly db: Kysely<PropellerDatabase>) {}

  private byKey(db: Db, table: "propeller_execution" | "propeller_node" | "propeller_work" | "propeller_outbox", key: ExecutionKey) {
    return db.deleteFrom(table).where(keyFilter(key));
  }

  /**
   * Records that the cluster owns the execution under `epoch`. A new execution starts empty; one
   * known under a lower epoch (it moved away and came back) starts over from admin's records, since
   * what this cluster kept is stale. Returns whether the row was created or reset.
   */
  async assign(key: ExecutionKey, epoch: bigint): Promise<"created" | "reset" | "known"> {
    return this.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto("propeller_execution")
        .values({ ...keyColumns(key), epoch: epoch.toString(), status: "active", header: null, data: null, terminate_cause: null, lease_owner: null, lease_expires_at: null })
        .onConflict((oc) => oc.columns(["cluster_id", "project", "domain", "name"]).doNothing())
        .returning("epoch")
        .executeTakeFirst();
      if (inserted !== undefined) return "created";
      const row = await tx
        .selectFrom("propeller_execution")
        .select(["epoch"])
        .where("cluster_id", "=", key.cluster)
        .where("project", "=", key.project)
        .where("domain", "=", key.domain)
        .where("name", "=", key.name)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (BigInt(row.epoch) >= epoch) return "known";
      await this.byKey(tx, "propeller_node", key).execute();
      await this.byKey(tx, "propeller_work", key).execute();
      await this.byKey(tx, "propeller_outbox", key).execute();
      await tx
        .updateTable("propeller_execution")
        .set({ epoch: epoch.toString(), status: "active", header: null, data: null, terminate_cause: null, lease_owner: null, lease_expires_at: null, updated_at: new Date() })
        .where("cluster_id", "=", key.cluster)
        .where("project", "=", key.project)
        .where("domain", "=", key.domain)
        .where("name", "=", key.name)
        .execute();
      return "reset";
    });
  }

  /** Records a termination request, so that whichever replica drives the execution aborts it. */
  async requestTermination(key: ExecutionKey, cause: string): Promise<void> {
    await this.db
      .updateTable("propeller_execution")
      .set({ terminate_cause: cause })
      .where("cluster_id", "=", key.cluster)
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("terminate_cause", "is", null)
      .execute();
  }

  /** The execution moved to another cluster: nothing of it may be reported or run here any more. */
  async revoke(key: ExecutionKey): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.byKey(tx, "propeller_outbox", key).execute();
      await this.byKey(tx, "propeller_work", key).execute();
      await this.byKey(tx, "propeller_node", key).execute();
      await tx
        .updateTable("propeller_execution")
        .set({ status: "revoked", lease_owner: null, lease_expires_at: null, updated_at: new Date() })
        .where("cluster_id", "=", key.cluster)
        .where("project", "=", key.project)
        .where("domain", "=", key.domain)
        .where("name", "=", key.name)
        .execute();
    });
  }

  /** The execution was released: forget everything about it. Unsent events go too. */
  async forget(key: ExecutionKey): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const table of ["propeller_outbox", "propeller_work", "propeller_node", "propeller_execution"] as const) {
        await this.byKey(tx, table, key).execute();
      }
    });
  }

  /** Names of the executions the cluster holds as active (for reconciling with the router). */
  async activeExecutions(cluster: string): Promise<ExecutionKey[]> {
    const rows = await this.db
      .selectFrom("propeller_execution")
      .select(["project", "domain", "name"])
      .where("cluster_id", "=", cluster)
      .where("status", "=", "active")
      .execute();
    return rows.map((r) => ({ cluster, project: r.project, domain: r.domain, name: r.name }));
  }

  /** How many executions the cluster drives right now. */
  async countActive(cluster: string): Promise<number> {
    const row = await this.db
      .selectFrom("propeller_execution")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("cluster_id", "=", cluster)
      .where("status", "=", "active")
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Claims up to `limit` active executions whose lease is free or expired (by the database's
   * clock, so replicas need not agree on time). Each claim raises the fencing token. Leaves out
   * the ones in `driving` (`project/domain/name`), which this replica still drives even if their
   * lease ran out (its renewal ran late): claiming them would only move the token on under their
   * driver, whose next write would then fail as lost.
   */
  async claim(cluster: string, owner: string, ttlMs: number, limit: number, driving: readonly string[] = []): Promise<ClaimedExecution[]> {
    const result = await sql<{ project: string; domain: string; name: string; epoch: string | number; header: string | null; terminate_cause: string | null; lease_token: string | number }>`
      UPDATE propeller_execution AS e
         SET lease_owner = ${owner},
             lease_expires_at = now() + ${`${ttlMs} milliseconds`}::interval,
             lease_token = e.lease_token + 1
       WHERE (e.cluster_id, e.project, e.domain, e.name) IN (
               SELECT cluster_id, project, domain, name FROM propeller_execution
                WHERE cluster_id = ${cluster} AND status = 'active'
                  AND (lease_owner IS NULL OR lease_expires_at < now())
                  AND NOT (lease_owner = ${owner} AND project || '/' || domain || '/' || name = ANY(${[...driving]}::text[]))
                ORDER BY created_at
                LIMIT ${limit}
                FOR UPDATE SKIP LOCKED)
      RETURNING e.project, e.domain, e.name, e.epoch, e.header, e.terminate_cause, e.lease_token`.execute(this.db);
    return result.rows.map((r) => ({
      lease: { key: { cluster, project: r.project, domain: r.domain, name: r.name }, owner, token: BigInt(r.lease_token) },
      epoch: BigInt(r.epoch),
      header: r.header,
      terminateCause: r.terminate_cause,
    }));
  }

  /**
   * Extends the leases this replica holds, all in one statement (one by one, a replica driving
   * hundreds of executions could take longer than a short lease lasts); returns the keys whose
   * lease was lost.
   */
  async renew(leases: readonly Lease[], ttlMs: number): Promise<ExecutionKey[]> {
    if (leases.length === 0) return [];
    const column = (pick: (lease: Lease) => string) => leases.map(pick);
    const { rows } = await sql<{ cluster_id: string; project: string; domain: string; name: string }>`
      UPDATE propeller_execution AS e
         SET lease_expires_at = now() + ${`${ttlMs} milliseconds`}::interval
        FROM unnest(${column((l) => l.key.cluster)}::text[], ${column((l) => l.key.project)}::text[], ${column((l) => l.key.domain)}::text[],
                    ${column((l) => l.key.name)}::text[], ${column((l) => l.owner)}::text[], ${column((l) => l.token.toString())}::bigint[])
             AS l(cluster_id, project, domain, name, owner, token)
       WHERE e.cluster_id = l.cluster_id AND e.project = l.project AND e.domain = l.domain AND e.name = l.name
         AND e.status = 'active' AND e.lease_owner = l.owner AND e.lease_token = l.token
      RETURNING e.cluster_id, e.project, e.domain, e.name`.execute(this.db);
    const text = (k: { cluster: string; project: string; domain: string; name: string }) => `${k.cluster}/${k.project}/${k.domain}/${k.name}`;
    const held = new Set(rows.map((r) => text({ cluster: r.cluster_id, project: r.project, domain: r.domain, name: r.name })));
    return leases.filter((l) => !held.has(text(l.key))).map((l) => l.key);
  }

  /** Gives a lease up (a replica shutting down), so another replica may claim at once. */
  async release(lease: Lease): Promise<void> {
    await this.fenced(this.db, lease).set({ lease_owner: null, lease_expires_at: null }).execute();
  }

  private fenced(db: Db, lease: Lease) {
    const { key } = lease;
    return db
      .updateTable("propeller_execution")
      .where("cluster_id", "=", key.cluster)
      .where("project", "=", key.project)
      .where("domain", "=", key.domain)
      .where("name", "=", key.name)
      .where("status", "=", "active")
      .where("lease_owner", "=", lease.owner)
      .where("lease_token", "=", lease.token.toString());
  }

  /** The execution data, node rows and open work of a claimed execution. */
  async load(key: ExecutionKey): Promise<{ executionData: string | null; nodes: [string, string][]; nodeData: [string, string][]; work: WorkRow[] }> {
    const execution = await this.db.selectFrom("propeller_execution").select("data").where(keyFilter(key)).executeTakeFirst();
    const nodes = await this.db.selectFrom("propeller_node").select(["path", "state", "data"]).where(keyFilter(key)).execute();
    const work = await this.db.selectFrom("propeller_work").select(["key", "decision", "plugin_state"]).where(keyFilter(key)).execute();
    return {
      executionData: execution?.data ?? null,
      nodes: nodes.map((n) => [n.path, n.state]),
      nodeData: nodes.flatMap((n) => (n.data === null ? [] : [[n.path, n.data] as [string, string]])),
      work: work.map((w) => ({ key: w.key, decision: w.decision, pluginState: w.plugin_state })),
    };
  }

  /** Writes one step; throws LeaseLostError, writing nothing, when the lease is no longer held. */
  async commitStep(lease: Lease, write: StepWrite): Promise<void> {
    const { key } = lease;
    const done = write.done === true;
    const data = new Map(write.nodeData);
    const text = (values: readonly (string | null)[]) => sql`${[...values]}::text[]`;
    const hex = write.events.map((e) => Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString("hex"));
    // One statement, so one round trip and atomic without BEGIN/COMMIT: every write reads the fence
    // (the lease still held, checked by the execution row's update) and writes nothing without it.
    // Rows travel as arrays, so a step of any size is one statement. The node rows and the work
    // keys a step adds and removes are disjoint (a key is open or not), as one upsert needs.
    const { rows } = await sql<{ fenced: number }>`
      WITH fence AS (
        UPDATE propeller_execution
        SET header = ${write.header}, data = COALESCE(${write.executionData ?? null}::text, data), updated_at = now()${done ? sql`, status = 'done', lease_owner = NULL, lease_expires_at = NULL` : sql``}
        WHERE ${keyFilter(key)} AND status = 'active' AND lease_owner = ${lease.owner} AND lease_token = ${lease.token.toString()}
        RETURNING 1
      ), put_nodes AS (
        INSERT INTO propeller_node (cluster_id, project, domain, name, path, state, data)
        SELECT ${key.cluster}, ${key.project}, ${key.domain}, ${key.name}, v.path, v.state, v.data
        FROM unnest(${text(write.nodes.map(([path]) => path))}, ${text(write.nodes.map(([, state]) => state))}, ${text(write.nodes.map(([path]) => data.get(path) ?? null))}) AS v(path, state, data)
        WHERE EXISTS (SELECT 1 FROM fence)
        -- Null data: this step left the node's inputs and outputs as they were.
        ON CONFLICT (cluster_id, project, domain, name, path) DO UPDATE SET state = excluded.state, data = COALESCE(excluded.data, propeller_node.data)
      ), drop_nodes AS (
        DELETE FROM propeller_node WHERE ${keyFilter(key)} AND path = ANY(${text(write.removedNodes)}) AND EXISTS (SELECT 1 FROM fence)
      ), drop_work AS (
        DELETE FROM propeller_work WHERE ${keyFilter(key)} AND (${done}::boolean OR key = ANY(${text(write.removeWork)})) AND EXISTS (SELECT 1 FROM fence)
      ), put_work AS (
        INSERT INTO propeller_work (cluster_id, project, domain, name, key, decision, plugin_state)
        SELECT ${key.cluster}, ${key.project}, ${key.domain}, ${key.name}, v.key, v.decision, NULL
        FROM unnest(${text(write.addWork.map((w) => w.key))}, ${text(write.addWork.map((w) => w.decision))}) AS v(key, decision)
        WHERE NOT ${done}::boolean AND EXISTS (SELECT 1 FROM fence)
        ON CONFLICT (cluster_id, project, domain, name, key) DO UPDATE SET decision = excluded.decision
      ), put_events AS (
        INSERT INTO propeller_outbox (cluster_id, project, domain, name, event)
        SELECT ${key.cluster}, ${key.project}, ${key.domain}, ${key.name}, decode(v.event, 'hex')
        FROM unnest(${text(hex)}) WITH ORDINALITY AS v(event, at)
        WHERE EXISTS (SELECT 1 FROM fence)
        ORDER BY v.at
      )
      SELECT count(*)::int AS fenced FROM fence`.execute(this.db);
    if ((rows[0]?.fenced ?? 0) === 0) throw new LeaseLostError(key);
  }

  /** Stores started attempts of one execution (plugin handles and the events reporting them) in one fenced transaction. */
  async recordAttempts(lease: Lease, attempts: readonly AttemptRecord[]): Promise<void> {
    if (attempts.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      const fenced = await this.fenced(tx, lease).set({ updated_at: new Date() }).returning("lease_token").executeTakeFirst();
      if (fenced === undefined) throw new LeaseLostError(lease.key);
      for (let i = 0; i < attempts.length; i += 1000) {
        const rows = attempts.slice(i, i + 1000).map((a) => sql`(${a.workKey}, ${a.pluginState})`);
        await sql`
          UPDATE propeller_work AS w SET plugin_state = COALESCE(v.plugin_state::text, w.plugin_state)
          FROM (VALUES ${sql.join(rows)}) AS v(key, plugin_state)
          WHERE w.cluster_id = ${lease.key.cluster} AND w.project = ${lease.key.project} AND w.domain = ${lease.key.domain}
            AND w.name = ${lease.key.name} AND w.key = v.key`.execute(tx);
      }
      await this.insertEvents(tx, lease.key, attempts.flatMap((a) => a.events));
    });
  }

  private async insertEvents(tx: Db, key: ExecutionKey, events: readonly Uint8Array[]): Promise<void> {
    const cols = keyColumns(key);
    for (let i = 0; i < events.length; i += 1000) {
      await tx
        .insertInto("propeller_outbox")
        .values(events.slice(i, i + 1000).map((event) => ({ ...cols, event })))
        .execute();
    }
  }

  /** The oldest unsent events of the cluster, in the order they were written. */
  async pendingEvents(cluster: string, limit: number, tx: Db = this.db, after?: bigint): Promise<OutboxRow[]> {
    const rows = await tx
      .selectFrom("propeller_outbox")
      .select(["seq", "project", "domain", "name", "event"])
      .where("cluster_id", "=", cluster)
      .$if(after !== undefined, (q) => q.where("seq", ">", String(after) as never))
      .orderBy("seq")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ seq: BigInt(r.seq as unknown as string), key: { cluster, project: r.project, domain: r.domain, name: r.name }, event: r.event }));
  }

  async deleteEvents(cluster: string, seqs: readonly bigint[], tx: Db = this.db): Promise<void> {
    if (seqs.length === 0) return;
    await tx
      .deleteFrom("propeller_outbox")
      .where("cluster_id", "=", cluster)
      .where("seq", "in", seqs.map((s) => s.toString()) as never)
      .execute();
  }
}
