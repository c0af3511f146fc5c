import { fromBinary } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import { EventOutcome, EventSchema, type AdminService } from "@skein/idl/admin/v1";
import type { BackgroundLoop, Logger } from "@skein/server";
import { sql, type Kysely } from "kysely";
import type { ExecutionKey, ExecutionStore } from "../repositories/execution-store.js";
import type { PropellerDatabase } from "../repositories/database.js";
import { sleep } from "./attempt-runner.js";

export interface OutboxSenderOptions {
  readonly cluster: string;
  readonly db: Kysely<PropellerDatabase>;
  readonly store: ExecutionStore;
  readonly admin: Client<typeof AdminService>;
  readonly logger: Logger;
  /** Told of an execution admin says this cluster no longer owns (or that no longer exists). */
  readonly onDisowned: (key: ExecutionKey) => void;
  /** How long to sleep when idle and nobody wakes the sender, in ms. */
  readonly idleMs: number;
}

const BATCH = 500;

/**
 * Sends the outbox to admin in order, up to 500 events per CreateEvents call, and deletes what
 * admin settled. One replica of a cluster sends at a time (a transaction-scoped advisory lock),
 * so events of one execution never overtake each other. Delivery is at least once; admin's phase
 * rules make a repeated event a harmless DUPLICATE.
 */
export class OutboxSender {
  private wakeUp: (() => void) | undefined;
  private pending = false;

  constructor(private readonly options: OutboxSenderOptions) {}

  /** New events were written: send soon. */
  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  private hasPending(): boolean {
    return this.pending;
  }

  loop(): BackgroundLoop {
    return { name: "propeller.outbox", run: (signal) => this.run(signal) };
  }

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      this.pending = false;
      let sent = 0;
      try {
        sent = await this.sendBatch();
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 20 === 0) this.options.logger.warn("sending events to admin failed; retrying", { error, failures });
        await sleep(Math.min(100 * 2 ** Math.min(failures, 6), 5000), signal).catch(() => undefined);
        continue;
      }
      if (sent === BATCH || this.hasPending()) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.idleMs);
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          resolve();
        };
        this.wakeUp = done;
        signal.addEventListener("abort", done, { once: true });
      });
      this.wakeUp = undefined;
    }
  }

  /** Sends one batch; returns how many events it settled. */
  async sendBatch(): Promise<number> {
    const { cluster, db, store, admin } = this.options;
    return db.transaction().execute(async (tx) => {
      const lock = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext(${`propeller-outbox:${cluster}`})) AS locked`.execute(tx);
      if (lock.rows[0]?.locked !== true) return 0;
      const rows = await store.pendingEvents(cluster, BATCH, tx);
      if (rows.length === 0) return 0;
      const events = rows.map((r) => fromBinary(EventSchema, r.event));
      const response = await admin.createEvents({ events });
      const disowned = new Map<string, ExecutionKey>();
      rows.forEach((row, i) => {
        const result = response.results[i];
        const outcome = result?.outcome ?? EventOutcome.UNSPECIFIED;
        // A node or task event can be NOT_FOUND for reasons of its own; a workflow event only
        // when the execution is gone.
        const gone = outcome === EventOutcome.NOT_FOUND && events[i]?.kind.case === "workflowEvent";
        if (outcome === EventOutcome.STALE_OWNER || gone) {
          disowned.set(`${row.key.project}/${row.key.domain}/${row.key.name}`, row.key);
        } else if (outcome === EventOutcome.INVALID || outcome === EventOutcome.NOT_FOUND) {
          this.options.logger.error("admin refused an event", { execution: row.key.name, outcome, message: result?.message });
        }
      });
      await store.deleteEvents(cluster, rows.map((r) => r.seq), tx);
      for (const key of disowned.values()) {
        this.options.logger.warn("admin says this cluster no longer owns the execution", { execution: key.name });
        this.options.onDisowned(key);
      }
      return rows.length;
    });
  }
}
