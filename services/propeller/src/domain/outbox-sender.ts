import { fromBinary } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import { withEncodedRecords } from "@skein/idl";
import { CreateEventsRequestSchema, EventOutcome, EventSchema, type AdminService } from "@skein/idl/admin/v1";
import type { BackgroundLoop, Logger } from "@skein/server";
import { sql, type Kysely } from "kysely";
import type { ExecutionKey, ExecutionStore, OutboxRow } from "../repositories/execution-store.js";
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

/** Events per CreateEvents call: admin's limit. */
const BATCH = 500;
/** Batches sent under one transaction (and one hold of the outbox lock) before it commits. */
const BATCHES_PER_TRANSACTION = 8;

/**
 * Sends the outbox to admin in order, up to 500 events per CreateEvents call, each event as the
 * bytes stored, and deletes what admin settled. One replica of a cluster sends at a time (a
 * transaction-scoped advisory lock), so events of one execution never overtake each other. Delivery is at least once; admin's phase
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
        sent = await this.sendPending();
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 20 === 0) this.options.logger.warn("sending events to admin failed; retrying", { error, failures });
        await sleep(Math.min(100 * 2 ** Math.min(failures, 6), 5000), signal).catch(() => undefined);
        continue;
      }
      if (sent >= BATCH || this.hasPending()) continue;
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

  /**
   * Sends what the outbox holds, batch after batch, in one transaction (at most
   * BATCHES_PER_TRANSACTION batches): while admin applies one batch, the next is read, so the
   * database read and admin's work overlap. Settled events are deleted before the commit; when a
   * call fails, what earlier calls settled is still committed, then the error is thrown. Returns
   * how many events were settled.
   */
  async sendPending(): Promise<number> {
    const { cluster, db, store } = this.options;
    const outcome = await db.transaction().execute(async (tx): Promise<{ settled: number; failure?: unknown }> => {
      const lock = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext(${`propeller-outbox:${cluster}`})) AS locked`.execute(tx);
      if (lock.rows[0]?.locked !== true) return { settled: 0 };
      const settled: bigint[] = [];
      let failure: unknown;
      let rows = await store.pendingEvents(cluster, BATCH, tx);
      for (let round = 0; rows.length > 0 && round < BATCHES_PER_TRANSACTION; round++) {
        const more = rows.length === BATCH && round + 1 < BATCHES_PER_TRANSACTION;
        const [sent, next] = await Promise.allSettled([this.send(rows), more ? store.pendingEvents(cluster, BATCH, tx, rows[rows.length - 1]?.seq) : Promise.resolve([])]);
        if (sent.status === "fulfilled") settled.push(...rows.map((r) => r.seq));
        if (sent.status === "rejected" || next.status === "rejected") {
          failure = sent.status === "rejected" ? sent.reason : (next as PromiseRejectedResult).reason;
          break;
        }
        rows = next.value;
      }
      await store.deleteEvents(cluster, settled, tx);
      return { settled: settled.length, failure };
    });
    if (outcome.failure !== undefined) throw outcome.failure as Error;
    return outcome.settled;
  }

  /** One CreateEvents call with the stored events as they are; acts on what admin said of each. */
  private async send(rows: readonly OutboxRow[]): Promise<void> {
    const request = withEncodedRecords(CreateEventsRequestSchema, 1, rows.map((r) => r.event));
    const response = await this.options.admin.createEvents(request);
    const disowned = new Map<string, ExecutionKey>();
    rows.forEach((row, i) => {
      const result = response.results[i];
      const outcome = result?.outcome ?? EventOutcome.UNSPECIFIED;
      // A node or task event can be NOT_FOUND for reasons of its own; a workflow event only
      // when the execution is gone.
      const gone = outcome === EventOutcome.NOT_FOUND && fromBinary(EventSchema, row.event).kind.case === "workflowEvent";
      if (outcome === EventOutcome.STALE_OWNER || gone) {
        disowned.set(`${row.key.project}/${row.key.domain}/${row.key.name}`, row.key);
      } else if (outcome === EventOutcome.INVALID || outcome === EventOutcome.NOT_FOUND) {
        this.options.logger.error("admin refused an event", { execution: row.key.name, outcome, message: result?.message });
      }
    });
    for (const key of disowned.values()) {
      this.options.logger.warn("admin says this cluster no longer owns the execution", { execution: key.name });
      this.options.onDisowned(key);
    }
  }
}
