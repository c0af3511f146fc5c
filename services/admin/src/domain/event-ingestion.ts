import { toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { NodeExecutionEvent, NodeExecutionPhase, TaskExecutionPhase } from "@skein/idl";
import { NodeExecutionSchema, TaskExecutionSchema, type Event } from "@skein/idl/admin/v1";
import { assertNever } from "@skein/engine";
import { sqlState, type Clock, type Logger } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import type { ChangeRepository, NewChange } from "../repositories/change-repository.js";
import type { AdminDatabase, ExecutionRow, NodeExecutionRow, TaskExecutionRow } from "../repositories/database.js";
import { executionKeyText, type ExecutionKey, type LaunchPlanNameKey } from "../repositories/execution-repository.js";
import { nodeExecutionKeyText, type NodeExecutionKey, type NodeExecutionRepository } from "../repositories/node-execution-repository.js";
import { taskExecutionKeyText, type TaskExecutionRepository } from "../repositories/task-execution-repository.js";
import { int8, isTerminalRowPhase, phaseFromRow } from "../repositories/transformers/execution-transformer.js";
import { nodeExecutionFromRow, nodePhaseFromRow } from "../repositories/transformers/node-execution-transformer.js";
import { taskExecutionFromRow, taskPhaseFromRow } from "../repositories/transformers/task-execution-transformer.js";
import type { ChangeNotifier } from "./change-feed.js";
import { inlineDataOf, storeEventData, type EventData, type EventDataOwner, type EventDataStore, type InlineEventData } from "./event-data.js";
import { verdict, type EventVerdict } from "./event-outcome.js";
import { parseEvent, type ParsedEvent } from "./event-parse.js";
import { workflowEventUpdate, type ExecutionEventUpdate } from "./event-workflow-apply.js";
import { applyNodeEvent } from "./node-execution-apply.js";
import { applyTaskEvent, ranTask } from "./task-execution-apply.js";
import { judgeOwnership } from "./transition-ownership.js";
import { decideNodeEvent, decideTaskEvent, decideWorkflowEvent } from "./transition-rules.js";

export interface EventIngestionDeps {
  readonly db: Kysely<AdminDatabase>;
  readonly nodes: NodeExecutionRepository;
  readonly tasks: TaskExecutionRepository;
  readonly changes: ChangeRepository;
  readonly notifier: ChangeNotifier;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where inputs and outputs above the inline limit go. */
  readonly data: EventDataStore;
  /**
   * Admits executions a QUEUE concurrency policy holds back (ExecutionCreator.promoteWaiting).
   * Called after a batch that finished executions of a launch plan has committed, so a freed slot
   * is taken at once rather than at the admission loop's next round.
   */
  readonly admission?: { promoteWaiting(name: LaunchPlanNameKey): Promise<number> };
  /** Told, after the commit, of every execution a batch finished, so its cluster slot is freed. */
  readonly dataPlane?: { release(execution: ExecutionKey): Promise<void> };
}

/** What a committed batch touched: executions to wake watchers of, launch plans with a freed slot. */
interface BatchEffects {
  readonly touched: Set<string>;
  readonly finished: Map<string, LaunchPlanNameKey>;
  /** Executions that reached a terminal phase in this batch. */
  readonly ended: ExecutionKey[];
}

type Trx = Transaction<AdminDatabase>;

// SQLSTATE classes that mean "this data cannot be stored" (data exceptions, integrity violations,
// program limits such as an oversized index row): the event is invalid, not the server broken.
const invalidDataClasses = new Set(["22", "23", "54"]);

/**
 * Applies events in order under the transition rules of event.proto. A batch is one
 * transaction that reads every execution, node and attempt it touches up front (executions locked,
 * in key order), judges the events in memory and writes the final rows in a few multi-row
 * statements; if that transaction fails, each event is retried in its own transaction so that one
 * unstorable event is reported as INVALID without refusing the others. Inline data above the
 * inline limit goes to the blob store as each event is accepted. After the commit, watchers are
 * woken and executions waiting for a concurrency slot of a launch plan whose executions finished
 * are admitted.
 */
export class EventIngestion {
  constructor(private readonly deps: EventIngestionDeps) {}

  async apply(events: readonly Event[]): Promise<EventVerdict[]> {
    const parsed = events.map(parseEvent);
    try {
      return await this.#transaction(parsed);
    } catch (error) {
      if (parsed.length === 1) return [this.#unstorable(error, 0)];
      this.deps.logger.warn("event batch failed as a whole; applying its events one by one", { events: parsed.length, error: String(error) });
      const results: EventVerdict[] = [];
      for (const [i, event] of parsed.entries()) {
        try {
          results.push(...(await this.#transaction([event])));
        } catch (single) {
          results.push(this.#unstorable(single, i));
        }
      }
      return results;
    }
  }

  #unstorable(error: unknown, index: number): EventVerdict {
    const state = sqlState(error);
    if (state === undefined || !invalidDataClasses.has(state.slice(0, 2))) throw error;
    this.deps.logger.warn("event could not be stored", { index, sqlState: state, cause: String(error) });
    return verdict("invalid", `event could not be stored (SQLSTATE ${state}); check its text fields and sizes`);
  }

  async #transaction(parsed: readonly ParsedEvent[]): Promise<EventVerdict[]> {
    const effects: BatchEffects = { touched: new Set(), finished: new Map(), ended: [] };
    const results = await this.deps.db.transaction().execute((trx) => new BatchApplier(this.deps, trx, effects).run(parsed));
    this.deps.notifier.publish(effects.touched);
    await this.#release(effects.ended);
    await this.#admitWaiting(effects.finished.values());
    return results;
  }

  // Best effort, like admission: the events are stored; a release the data plane missed leaves
  // its slot taken until the execution is released again (a replayed terminal event does not).
  async #release(ended: readonly ExecutionKey[]): Promise<void> {
    const { dataPlane, logger } = this.deps;
    if (dataPlane === undefined) return;
    for (const execution of ended) {
      try {
        await dataPlane.release(execution);
      } catch (error) {
        logger.warn("could not tell the data plane an execution finished", { execution: executionKeyText(execution), error: String(error) });
      }
    }
  }

  // The events are stored whatever happens here: a failure only leaves the waiting executions to
  // the admission loop, which retries them.
  async #admitWaiting(names: Iterable<LaunchPlanNameKey>): Promise<void> {
    const { admission, logger } = this.deps;
    if (admission === undefined) return;
    for (const name of names) {
      try {
        const admitted = await admission.promoteWaiting(name);
        if (admitted > 0) logger.info("waiting executions admitted", { launchPlan: executionKeyText(name), admitted });
      } catch (error) {
        logger.warn("admitting waiting executions failed; the admission loop will retry", { launchPlan: executionKeyText(name), error: String(error) });
      }
    }
  }
}

/** One batch inside its transaction: the working state of every record the batch touches. */
class BatchApplier {
  readonly #executions = new Map<string, ExecutionRow>();
  readonly #nodes = new Map<string, NodeExecutionRow>();
  readonly #tasks = new Map<string, TaskExecutionRow>();
  readonly #dirtyNodes = new Set<string>();
  readonly #dirtyTasks = new Set<string>();
  /** Child executions named by the batch's node events that exist. */
  readonly #children = new Set<string>();
  /**
   * Records changed since the changes were last written, in the order of their latest change.
   * Each gets its message encoded and one change logged when the changes are written: the batch
   * commits as one, so no reader could have seen the states a record passed through inside it.
   */
  readonly #unlogged = new Map<string, UnloggedChange>();
  readonly #now: Date;

  constructor(
    private readonly deps: EventIngestionDeps,
    private readonly trx: Trx,
    private readonly effects: BatchEffects,
  ) {
    this.#now = deps.clock.now();
  }

  async run(parsed: readonly ParsedEvent[]): Promise<EventVerdict[]> {
    await this.#load(parsed);
    const results = [];
    for (const event of parsed) results.push(await this.#applyOne(event));
    await this.#flushChanges();
    await this.deps.nodes.upsertMany([...this.#dirtyNodes].map((k) => this.#nodes.get(k) as NodeExecutionRow), this.trx);
    await this.deps.tasks.upsertMany([...this.#dirtyTasks].map((k) => this.#tasks.get(k) as TaskExecutionRow), this.trx);
    return results;
  }

  async #load(parsed: readonly ParsedEvent[]): Promise<void> {
    const executions = new Map<string, ExecutionKey>();
    const nodes = new Map<string, NodeExecutionKey>();
    const tasks = new Map<string, Extract<ParsedEvent, { kind: "task" }>["task"]>();
    const children = new Map<string, ExecutionKey>();
    for (const p of parsed) {
      if (p.kind === "invalid") continue;
      executions.set(executionKeyText(p.execution), p.execution);
      if (p.kind !== "workflow") nodes.set(nodeExecutionKeyText(p.node), p.node);
      const parent = p.kind === "node" ? parentKeyOf(p) : undefined;
      if (parent !== undefined) nodes.set(nodeExecutionKeyText(parent), parent);
      if (p.kind === "task") tasks.set(taskExecutionKeyText(p.task), p.task);
      const child = p.kind === "node" ? childOf(p.event) : undefined;
      if (child !== undefined) children.set(executionKeyText(child), child);
    }
    if (executions.size > 0) {
      // Locked in key order, so concurrent batches over the same executions cannot deadlock; the
      // locks also make change sequence order equal commit order per execution.
      const rows = await this.trx
        .selectFrom("execution")
        .selectAll()
        .where((eb) => eb(eb.refTuple("project", "domain", "name"), "in", [...executions.values()].map((k) => eb.tuple(k.project, k.domain, k.name))))
        .orderBy("project")
        .orderBy("domain")
        .orderBy("name")
        .forUpdate()
        .execute();
      for (const row of rows) this.#executions.set(executionKeyText(row), row);
    }
    if (children.size > 0) {
      const rows = await this.trx
        .selectFrom("execution")
        .select(["project", "domain", "name"])
        .where((eb) => eb(eb.refTuple("project", "domain", "name"), "in", [...children.values()].map((k) => eb.tuple(k.project, k.domain, k.name))))
        .execute();
      for (const row of rows) this.#children.add(executionKeyText(row));
    }
    for (const row of await this.deps.nodes.findMany([...nodes.values()], this.trx)) {
      this.#nodes.set(nodeExecutionKeyText({ ...row, executionName: row.execution_name, nodeId: row.node_id }), row);
    }
    const taskKeyOf = (row: TaskExecutionRow): string =>
      taskExecutionKeyText({ ...row, executionName: row.execution_name, nodeId: row.node_id, retryAttempt: row.retry_attempt });
    for (const row of await this.deps.tasks.findMany([...tasks.values()], this.trx)) this.#tasks.set(taskKeyOf(row), row);
  }

  async #applyOne(p: ParsedEvent): Promise<EventVerdict> {
    if (p.kind === "invalid") return p.verdict;
    const key = executionKeyText(p.execution);
    const execution = this.#executions.get(key);
    if (execution === undefined) return verdict("not_found", `execution "${executionKeyText(p.execution)}" not found`);
    const ownership = judgeOwnership({ cluster: execution.cluster, epoch: int8(execution.assignment_epoch) }, { producerId: p.event.producerId, epoch: p.event.epoch });
    if (ownership.kind === "stale") return verdict("stale_owner", ownership.message);
    // A terminal execution keeps its last owner: nothing about it changes any more.
    const claim = ownership.kind === "claim" && !isTerminalRowPhase(execution.phase) ? ownership.owner : undefined;
    const update: ExecutionEventUpdate = claim === undefined ? {} : { cluster: claim.cluster, assignment_epoch: claim.epoch.toString(), updated_at: this.#now };
    let result: EventVerdict;
    switch (p.kind) {
      case "workflow": {
        result = decideWorkflowEvent(phaseFromRow(execution.phase), p.event.phase, claim !== undefined);
        if (result.outcome === "accepted") {
          const outputs = p.event.outputResult.case === "outputData" ? p.event.outputResult.value : undefined;
          const data = await this.#storeData(p.execution, { kind: "workflow" }, { outputs });
          if (isVerdict(data)) {
            result = data;
          } else {
            Object.assign(update, workflowEventUpdate(execution, p.event, this.#now, data));
          }
        }
        break;
      }
      case "node": {
        const nodeKey = nodeExecutionKeyText(p.node);
        const stored = this.#nodes.get(nodeKey);
        result = decideNodeEvent(stored === undefined ? undefined : nodePhaseFromRow(stored.phase), p.event.phase);
        const child = childOf(p.event);
        if (result.outcome === "accepted" && child !== undefined && !this.#children.has(executionKeyText(child))) {
          // Reference §2.5: a node that runs a launch plan names a child execution that exists.
          result = verdict("not_found", `node_event.workflow_node_metadata.execution_id: child execution "${executionKeyText(child)}" not found`);
        }
        const data = result.outcome === "accepted" ? await this.#storeData(p.execution, { kind: "node", nodeId: p.node.nodeId }, inlineDataOf(p.event)) : result;
        if (isVerdict(data)) {
          result = data;
        } else {
          const phase = p.event.phase as Exclude<NodeExecutionPhase, NodeExecutionPhase.UNSPECIFIED>;
          this.#putNode(p.execution, nodeKey, applyNodeEvent(stored, p.event, phase, this.#now, data));
          this.#markParent(p);
        }
        break;
      }
      case "task": {
        result = await this.#applyTask(p);
        break;
      }
      default:
        return assertNever(p, "parsed event");
    }
    if (Object.keys(update).length > 0) {
      // Execution changes are sequenced by the database trigger when the row is written, so the
      // node and task changes judged before this event are sequenced first.
      await this.#flushChanges();
      const row = await this.trx
        .updateTable("execution")
        .set(update)
        .where("project", "=", execution.project)
        .where("domain", "=", execution.domain)
        .where("name", "=", execution.name)
        .returningAll()
        .executeTakeFirstOrThrow();
      this.#executions.set(key, row);
      this.effects.touched.add(key);
      if (isTerminalRowPhase(row.phase) && !isTerminalRowPhase(execution.phase)) {
        this.effects.ended.push({ project: row.project, domain: row.domain, name: row.name });
        if (row.target_kind === "launch_plan") {
          const name = { project: row.target_project, domain: row.target_domain, name: row.target_name };
          this.effects.finished.set(executionKeyText(name), name);
        }
      }
    }
    return result;
  }

  // A node that has a child node is a parent (a branch, map, sub-workflow or dynamic node), even
  // when no event of its own said so: listings descend into parents only. The producer reports a
  // parent before its children, so the parent's row exists by now (it was loaded with the batch).
  #markParent(p: Extract<ParsedEvent, { kind: "node" }>): void {
    const parent = parentKeyOf(p);
    if (parent === undefined) return;
    const key = nodeExecutionKeyText(parent);
    const row = this.#nodes.get(key);
    if (row === undefined || row.is_parent) return;
    this.#putNode(p.execution, key, { ...row, is_parent: true, updated_at: this.#now });
  }

  // The row changed: keep it for the write, its change to be logged (which encodes its message).
  #putNode(execution: ExecutionKey, key: string, row: NodeExecutionRow): void {
    this.#nodes.set(key, row);
    this.#dirtyNodes.add(key);
    this.#changed({ kind: "node", key, execution, nodeKey: key });
  }

  async #applyTask(p: Extract<ParsedEvent, { kind: "task" }>): Promise<EventVerdict> {
    const node = this.#nodes.get(nodeExecutionKeyText(p.node));
    if (node === undefined) {
      return verdict("not_found", `node execution "${nodeExecutionKeyText(p.node)}" not found; its node event must be recorded before its task events`);
    }
    const taskKey = taskExecutionKeyText(p.task);
    const stored = this.#tasks.get(taskKey);
    const taskId = p.event.taskId;
    if (stored !== undefined && taskId !== undefined && !ranTask(stored, taskId)) {
      return verdict("invalid", `task_event.task_id: attempt ${taskKey} ran task ${stored.task_name}@${stored.task_version}, not ${taskId.name}@${taskId.version}`);
    }
    const result = decideTaskEvent(
      stored === undefined ? undefined : { phase: taskPhaseFromRow(stored.phase), phaseVersion: stored.phase_version },
      { phase: p.event.phase, phaseVersion: p.event.phaseVersion },
    );
    if (result.outcome !== "accepted") return result;
    const phase = p.event.phase as Exclude<TaskExecutionPhase, TaskExecutionPhase.UNSPECIFIED>;
    const data = await this.#storeData(p.execution, { kind: "task", nodeId: p.node.nodeId, attempt: p.task.retryAttempt }, inlineDataOf(p.event));
    if (isVerdict(data)) return data;
    this.#tasks.set(taskKey, applyTaskEvent(stored, p.event, phase, this.#now, data));
    this.#dirtyTasks.add(taskKey);
    this.#changed({ kind: "task", key: taskKey, execution: p.execution, nodeKey: nodeExecutionKeyText(p.node) });
    return result;
  }

  // A key the blob store refuses (a name it cannot hold) makes the event invalid; any other failure,
  // such as an unreachable store, fails the batch so that the producer sends it again.
  async #storeData(execution: ExecutionKey, owner: EventDataOwner, data: InlineEventData): Promise<EventData | EventVerdict> {
    try {
      return await storeEventData(this.deps.data, execution, owner, data);
    } catch (error) {
      if (!(error instanceof ConnectError) || error.code !== Code.InvalidArgument) throw error;
      return verdict("invalid", `event data cannot be stored: ${error.rawMessage}`);
    }
  }

  #changed(change: UnloggedChange): void {
    const record = `${change.kind} ${change.key}`;
    this.#unlogged.delete(record);
    this.#unlogged.set(record, change);
    this.effects.touched.add(executionKeyText(change.execution));
  }

  // Encodes each changed record's message once (the row keeps it) and logs one change for it.
  async #flushChanges(): Promise<void> {
    const pending: NewChange[] = [];
    for (const { kind, key, execution, nodeKey } of this.#unlogged.values()) {
      let payload: Uint8Array;
      if (kind === "node") {
        const row = this.#nodes.get(key) as NodeExecutionRow;
        payload = toBinary(NodeExecutionSchema, nodeExecutionFromRow(row));
        this.#nodes.set(key, { ...row, message: payload });
      } else {
        const row = this.#tasks.get(key) as TaskExecutionRow;
        payload = toBinary(TaskExecutionSchema, taskExecutionFromRow(row, this.#nodes.get(nodeKey)?.is_dynamic ?? false));
        this.#tasks.set(key, { ...row, message: payload });
      }
      pending.push({ project: execution.project, domain: execution.domain, executionName: execution.name, kind, payload });
    }
    this.#unlogged.clear();
    await this.deps.changes.insertMany(pending, this.trx);
  }
}

/** A node or task record changed in the batch and not yet logged; `nodeKey` is its node's key. */
interface UnloggedChange {
  readonly kind: NewChange["kind"];
  readonly key: string;
  readonly execution: ExecutionKey;
  readonly nodeKey: string;
}

/** The child execution a node event names, when it runs a launch plan. */
function childOf(event: NodeExecutionEvent): ExecutionKey | undefined {
  const target = event.targetMetadata;
  const id = target.case === "workflowNodeMetadata" ? target.value.executionId : undefined;
  return id === undefined ? undefined : { project: id.project, domain: id.domain, name: id.name };
}

function isVerdict(value: EventData | EventVerdict): value is EventVerdict {
  return "outcome" in value;
}

/** The node a node event names as its parent; undefined for a top-level node. */
function parentKeyOf(p: Extract<ParsedEvent, { kind: "node" }>): NodeExecutionKey | undefined {
  const parentId = p.event.parentNodeMetadata?.nodeId ?? "";
  return parentId === "" ? undefined : { ...p.node, nodeId: parentId };
}
