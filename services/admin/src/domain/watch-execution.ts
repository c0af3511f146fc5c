import { setImmediate } from "node:timers/promises";
import { create, fromBinary } from "@bufbuild/protobuf";
import { withEncodedRecords } from "@skein/idl";
import { NodeExecutionPageSchema, NodeExecutionSchema, TaskExecutionPageSchema, TaskExecutionSchema, WatchExecutionResponseSchema, type WatchExecutionRequest, type WatchExecutionResponse } from "@skein/idl/admin/v1";
import { invalidArgument, notFound } from "@skein/server";
import type { Kysely } from "kysely";
import type { ChangeRepository } from "../repositories/change-repository.js";
import type { AdminDatabase, ExecutionRow, NodeExecutionRow, TaskExecutionRow } from "../repositories/database.js";
import { executionKeyText, type ExecutionKey, type ExecutionRepository } from "../repositories/execution-repository.js";
import type { NodeExecutionRepository } from "../repositories/node-execution-repository.js";
import type { TaskExecutionRepository } from "../repositories/task-execution-repository.js";
import { executionFromRow, isTerminalRowPhase } from "../repositories/transformers/execution-transformer.js";
import { nodeExecutionFromRow } from "../repositories/transformers/node-execution-transformer.js";
import { taskExecutionFromRow } from "../repositories/transformers/task-execution-transformer.js";
import { armWakeUp, type ChangeNotifier } from "./change-feed.js";

export interface WatchDeps {
  readonly db: Kysely<AdminDatabase>;
  readonly executions: ExecutionRepository;
  readonly nodes: NodeExecutionRepository;
  readonly tasks: TaskExecutionRepository;
  readonly changes: ChangeRepository;
  readonly notifier: ChangeNotifier;
  /** How often a watcher looks at the change log without a wake-up (changes made by another replica). */
  readonly pollMs: number;
}

/** Changes read from the log at a time. */
const pageSize = 500;
/**
 * Records per snapshot message. One message per record costs a frame, a write and a decode each:
 * on a 10,000-node execution that was most of the time before the page could draw anything.
 */
const snapshotPageSize = 1000;

/** A snapshot's records: their stored messages when every one has one, else the rows to build them from. */
type SnapshotRecords<Row> = { readonly encoded: readonly Uint8Array[] } | { readonly rows: readonly Row[] };

/** The stored messages, when every record has one. */
function encodedOf(stored: readonly { message: Uint8Array | null }[]): Uint8Array[] | undefined {
  const messages: Uint8Array[] = [];
  for (const { message } of stored) {
    if (message === null) return undefined;
    messages.push(message);
  }
  return messages;
}

function pagesOf<Row>(records: SnapshotRecords<Row>): SnapshotRecords<Row>[] {
  const pages: SnapshotRecords<Row>[] = [];
  const all = "encoded" in records ? records.encoded : records.rows;
  for (let at = 0; at < all.length; at += snapshotPageSize) {
    pages.push("encoded" in records ? { encoded: records.encoded.slice(at, at + snapshotPageSize) } : { rows: records.rows.slice(at, at + snapshotPageSize) });
  }
  return pages;
}

/** How a stream may be sent. */
export interface WatchOptions {
  /** Whether the client reads protobuf binary (not JSON), so snapshot pages may carry stored bytes. */
  readonly encodedPages?: boolean;
}

// Resume tokens are opaque to clients: the change sequence number the message corresponds to.
function encodeToken(seq: bigint): string {
  return Buffer.from(`w1:${seq}`).toString("base64url");
}

function decodeToken(token: string): bigint {
  const match = /^w1:(\d{1,19})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (match === null) throw invalidArgument("resume_token", "is not a token returned by WatchExecution");
  return BigInt(match[1] as string);
}

/**
 * WatchExecution: a consistent snapshot (nodes and attempts in pages), then every change from the
 * change log in commit order, one record per message, until the execution's terminal state has
 * been sent. Wake-ups make changes arrive at once; the poll covers changes whose wake-up went to
 * another replica.
 */
export class ExecutionWatcher {
  constructor(private readonly deps: WatchDeps) {}

  async *watch(req: WatchExecutionRequest, signal: AbortSignal, options: WatchOptions = {}): AsyncGenerator<WatchExecutionResponse> {
    if (req.id === undefined) throw invalidArgument("id", "is required");
    const key: ExecutionKey = { project: req.id.project, domain: req.id.domain, name: req.id.name };
    let last: bigint;
    if (req.resumeToken === "") {
      const snapshot = yield* this.#snapshot(key, req, options);
      if (snapshot.terminal) return;
      last = snapshot.seq;
    } else {
      last = decodeToken(req.resumeToken);
      await this.deps.executions.get(key);
    }
    while (!signal.aborted) {
      const wakeUp = armWakeUp(this.deps.notifier, executionKeyText(key), this.deps.pollMs, signal);
      try {
        // Read the phase before the log: if it was terminal already, the terminal change is in
        // the log by now, so an empty read means it was sent before.
        const current = await this.deps.executions.find(key);
        if (current === undefined) throw notFound(`execution "${executionKeyText(key)}"`);
        const terminalBefore = isTerminalRowPhase(current.phase);
        const changes = await this.deps.changes.after(key, last, pageSize);
        for (const change of changes) {
          last = change.seq;
          const resumeToken = encodeToken(change.seq);
          if (change.kind === "execution") {
            yield create(WatchExecutionResponseSchema, { update: { case: "execution", value: executionFromRow(change.execution) }, resumeToken });
            if (isTerminalRowPhase(change.execution.phase)) return;
          } else if (change.kind === "node" && req.includeNodeExecutions) {
            yield create(WatchExecutionResponseSchema, { update: { case: "nodeExecution", value: fromBinary(NodeExecutionSchema, change.payload) }, resumeToken });
          } else if (change.kind === "task" && req.includeTaskExecutions) {
            yield create(WatchExecutionResponseSchema, { update: { case: "taskExecution", value: fromBinary(TaskExecutionSchema, change.payload) }, resumeToken });
          }
        }
        if (changes.length === pageSize) continue;
        if (changes.length === 0 && terminalBefore) return;
        await wakeUp.wait();
      } finally {
        wakeUp.dispose();
      }
    }
  }

  /**
   * The snapshot, read in one repeatable-read transaction so the state and the change sequence it
   * corresponds to agree. The execution goes out before the nodes are read, so a client can start
   * on it (the console fetches the workflow) while a large execution's nodes are still coming.
   */
  async *#snapshot(key: ExecutionKey, req: WatchExecutionRequest, options: WatchOptions): AsyncGenerator<WatchExecutionResponse, { seq: bigint; terminal: boolean }> {
    const trx = await this.deps.db.startTransaction().setIsolationLevel("repeatable read").execute();
    let open = true;
    let execution: ExecutionRow;
    let seq: bigint;
    let nodes: SnapshotRecords<NodeExecutionRow> = { rows: [] };
    let tasks: SnapshotRecords<TaskExecutionRow> = { rows: [] };
    const dynamic = new Set<string>();
    try {
      execution = await this.deps.executions.get(key, trx);
      seq = await this.deps.changes.latestSeq(key, trx);
      yield create(WatchExecutionResponseSchema, { update: { case: "execution", value: executionFromRow(execution) }, resumeToken: encodeToken(seq) });
      if (req.includeNodeExecutions || req.includeTaskExecutions) {
        const stored = await this.deps.nodes.listMessages(key, trx);
        for (const node of stored) if (node.is_dynamic) dynamic.add(node.node_id);
        const encoded = options.encodedPages === true ? encodedOf(stored) : undefined;
        if (req.includeNodeExecutions) nodes = encoded !== undefined ? { encoded } : { rows: await this.deps.nodes.listAll(key, trx) };
      }
      if (req.includeTaskExecutions) {
        // An attempt's stored message says whether its node is dynamic as it was then; a node
        // that became dynamic later makes them stale, so those are built from the rows.
        const stored = await this.deps.tasks.listMessages(key, trx);
        const encoded = options.encodedPages === true && dynamic.size === 0 ? encodedOf(stored) : undefined;
        tasks = encoded !== undefined ? { encoded } : { rows: await this.deps.tasks.listAll(key, trx) };
      }
      await trx.commit().execute();
      open = false;
    } finally {
      // Also reached when the client goes away mid-snapshot.
      if (open) await trx.rollback().execute();
    }
    const resumeToken = encodeToken(seq);
    for (const page of pagesOf(nodes)) {
      // Between pages other requests get their turn: a large snapshot does not stall the server.
      await setImmediate();
      const value = "encoded" in page ? withEncodedRecords(NodeExecutionPageSchema, 1, page.encoded) : create(NodeExecutionPageSchema, { nodeExecutions: page.rows.map(nodeExecutionFromRow) });
      yield create(WatchExecutionResponseSchema, { update: { case: "nodeExecutions", value }, resumeToken });
    }
    for (const page of pagesOf(tasks)) {
      await setImmediate();
      const value = "encoded" in page
        ? withEncodedRecords(TaskExecutionPageSchema, 1, page.encoded)
        : create(TaskExecutionPageSchema, { taskExecutions: page.rows.map((task) => taskExecutionFromRow(task, dynamic.has(task.node_id))) });
      yield create(WatchExecutionResponseSchema, { update: { case: "taskExecutions", value }, resumeToken });
    }
    return { seq, terminal: isTerminalRowPhase(execution.phase) };
  }
}
