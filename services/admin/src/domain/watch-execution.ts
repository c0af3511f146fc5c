import { create, fromBinary } from "@bufbuild/protobuf";
import { NodeExecutionSchema, TaskExecutionSchema, WatchExecutionResponseSchema, type WatchExecutionRequest, type WatchExecutionResponse } from "@skein/idl/admin/v1";
import { invalidArgument, notFound } from "@skein/server";
import type { Kysely } from "kysely";
import type { ChangeRepository } from "../repositories/change-repository.js";
import type { AdminDatabase } from "../repositories/database.js";
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

const pageSize = 500;

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
 * WatchExecution: a consistent snapshot, then every change from the change log in commit order,
 * until the execution's terminal state has been sent. Wake-ups make changes arrive at once; the
 * poll covers changes whose wake-up went to another replica.
 */
export class ExecutionWatcher {
  constructor(private readonly deps: WatchDeps) {}

  async *watch(req: WatchExecutionRequest, signal: AbortSignal): AsyncGenerator<WatchExecutionResponse> {
    if (req.id === undefined) throw invalidArgument("id", "is required");
    const key: ExecutionKey = { project: req.id.project, domain: req.id.domain, name: req.id.name };
    let last: bigint;
    if (req.resumeToken === "") {
      const snapshot = await this.#snapshot(key, req);
      for (const message of snapshot.messages) yield message;
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

  // One repeatable-read transaction: the state and the change sequence it corresponds to agree.
  async #snapshot(key: ExecutionKey, req: WatchExecutionRequest): Promise<{ messages: WatchExecutionResponse[]; seq: bigint; terminal: boolean }> {
    return this.deps.db
      .transaction()
      .setIsolationLevel("repeatable read")
      .execute(async (trx) => {
        const execution = await this.deps.executions.get(key, trx);
        const seq = await this.deps.changes.latestSeq(key, trx);
        const resumeToken = encodeToken(seq);
        const messages = [create(WatchExecutionResponseSchema, { update: { case: "execution", value: executionFromRow(execution) }, resumeToken })];
        if (req.includeNodeExecutions || req.includeTaskExecutions) {
          const nodes = await this.deps.nodes.listAll(key, trx);
          if (req.includeNodeExecutions) {
            for (const node of nodes) messages.push(create(WatchExecutionResponseSchema, { update: { case: "nodeExecution", value: nodeExecutionFromRow(node) }, resumeToken }));
          }
          if (req.includeTaskExecutions) {
            const dynamic = new Set(nodes.filter((n) => n.is_dynamic).map((n) => n.node_id));
            for (const task of await this.deps.tasks.listAll(key, trx)) {
              messages.push(create(WatchExecutionResponseSchema, { update: { case: "taskExecution", value: taskExecutionFromRow(task, dynamic.has(task.node_id)) }, resumeToken }));
            }
          }
        }
        return { messages, seq, terminal: isTerminalRowPhase(execution.phase) };
      });
  }
}
