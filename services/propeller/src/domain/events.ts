import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { EngineRecord, ExecutionState, NodeKind, WorkflowEngine } from "@skein/engine";
import {
  CatalogCacheStatus,
  DynamicWorkflowNodeMetadataSchema,
  NodeExecutionEventSchema,
  NodeExecutionPhase,
  TaskExecutionEventSchema,
  WorkflowExecutionEventSchema,
  type DynamicWorkflowNodeMetadata,
  type ExecutionError,
  type Identifier,
  type LiteralMap,
  type TaskExecutionPhase,
  type TaskLog,
  type WorkflowExecutionIdentifier,
} from "@skein/idl";
import { EventSchema, type Event } from "@skein/idl/admin/v1";
import { validate } from "@skein/idl/validate";
import { nodeIdOf, parentPathOf, specNodeIdOf } from "./node-ids.js";

/** Who reports: the cluster and the assignment epoch it holds the execution under. */
export interface Producer {
  readonly executionId: WorkflowExecutionIdentifier;
  readonly cluster: string;
  readonly epoch: bigint;
}

/** What events read from the engine about a node besides its records. */
export interface NodeFacts extends Pick<WorkflowEngine, "nodeKind" | "generatedWorkflow"> {
  /** Told when a dynamic node's generated workflow cannot be reported (its nodes still are). */
  readonly unreported?: (node: string, problem: string) => void;
}

/**
 * Admin events for what the engine recorded in one step (`before` is the state the step started
 * from, `state` the one it produced). A node's first report carries its inputs (admin keeps them);
 * outputs and errors travel inline: admin offloads large ones itself. A QUEUED record that the same
 * step follows with another record of the same attempt is not sent: admin makes the same record
 * from the later event alone, and nobody could have seen the node queued. Every node event says
 * what the node is (is_parent, is_array, is_dynamic); the DYNAMIC_RUNNING event of a dynamic node
 * also carries the workflow it generated, once: admin keeps it.
 */
export function eventsOfRecords(producer: Producer, records: readonly EngineRecord[], before: ExecutionState, state: ExecutionState, reportedAt: number, facts: NodeFacts): Event[] {
  const reported = new Set<string>();
  const superseded = supersededQueued(records);
  const events: Event[] = [];
  records.forEach((record, i) => {
    if (record.type === "workflow") {
      const value = create(WorkflowExecutionEventSchema, {
        executionId: producer.executionId,
        producerId: producer.cluster,
        epoch: producer.epoch,
        phase: record.phase,
        occurredAt: timestampFromMs(record.at),
        outputResult: result(record.outputs, record.error),
      });
      events.push(create(EventSchema, { kind: { case: "workflowEvent", value } }));
      return;
    }
    if (superseded?.has(i) === true) return;
    const parent = parentPathOf(record.node);
    const firstReport = !reported.has(record.node) && before.nodes.get(record.node)?.inputs === undefined;
    reported.add(record.node);
    const inputs = firstReport ? state.nodes.get(record.node)?.inputs : undefined;
    const kind = facts.nodeKind(state, record.node);
    const dynamicWorkflow = kind === "dynamic" && record.phase === NodeExecutionPhase.DYNAMIC_RUNNING ? generated(facts, state, record.node) : undefined;
    const value = create(NodeExecutionEventSchema, {
      id: { nodeId: nodeIdOf(record.node), executionId: producer.executionId },
      producerId: producer.cluster,
      epoch: producer.epoch,
      phase: record.phase,
      occurredAt: timestampFromMs(record.at),
      reportedAt: timestampFromMs(reportedAt),
      ...(inputs !== undefined ? { inputValue: { case: "inputData" as const, value: inputs } } : {}),
      outputResult: result(record.outputs, record.error),
      ...(record.cacheStatus !== undefined || dynamicWorkflow !== undefined
        ? { targetMetadata: { case: "taskNodeMetadata" as const, value: { cacheStatus: record.cacheStatus ?? CatalogCacheStatus.UNSPECIFIED, dynamicWorkflow } } }
        : {}),
      ...(parent !== undefined ? { parentNodeMetadata: { nodeId: nodeIdOf(parent) } } : {}),
      specNodeId: specNodeIdOf(record.node),
      retryGroup: String(record.attempt),
      ...flagsOf(kind),
    });
    events.push(create(EventSchema, { kind: { case: "nodeEvent", value } }));
  });
  return events;
}

/**
 * The indexes of QUEUED records that a later record of the same step moves on from: the same node
 * attempt, saying all the QUEUED record said (its cache status; it carries no result). One pass
 * from the end; undefined when the step queued nothing.
 */
function supersededQueued(records: readonly EngineRecord[]): Set<number> | undefined {
  if (!records.some((r) => r.type === "node" && r.phase === NodeExecutionPhase.QUEUED)) return undefined;
  const indexes = new Set<number>();
  const next = new Map<string, Extract<EngineRecord, { type: "node" }>>();
  for (let i = records.length - 1; i >= 0; i--) {
    const record = records[i];
    if (record?.type !== "node") continue;
    const later = next.get(record.node);
    if (record.phase === NodeExecutionPhase.QUEUED && later !== undefined && later.attempt === record.attempt && record.error === undefined && record.outputs === undefined &&
      (record.cacheStatus === undefined || later.cacheStatus === record.cacheStatus)) {
      indexes.add(i);
    }
    next.set(record.node, record);
  }
  return indexes;
}

/** Admin's facts about a node of this kind: branches, sub-workflows, dynamic and array nodes have children. */
function flagsOf(kind: NodeKind | undefined): { isParent: boolean; isArray: boolean; isDynamic: boolean } {
  const isParent = kind === "array" || kind === "branch" || kind === "subworkflow" || kind === "dynamic";
  return { isParent, isArray: kind === "array", isDynamic: kind === "dynamic" };
}

/**
 * The generated workflow as admin stores it. One the compiler rejects (the engine runs what is
 * structurally sound; the compiler also checks types) or admin would refuse (admin refuses the
 * whole batch an invalid message is in, so it must not be sent) is left out: its nodes are still
 * reported.
 */
function generated(facts: NodeFacts, state: ExecutionState, node: string): DynamicWorkflowNodeMetadata | undefined {
  const result = facts.generatedWorkflow(state, node);
  if (result === undefined) return undefined;
  if (!result.ok) {
    facts.unreported?.(node, result.errors.map((e) => e.message).join("; "));
    return undefined;
  }
  const id = result.closure.primary?.template?.id;
  const meta = create(DynamicWorkflowNodeMetadataSchema, { ...(id !== undefined ? { id } : {}), compiledWorkflow: result.closure });
  const violations = validate(DynamicWorkflowNodeMetadataSchema, meta);
  if (violations.length > 0) {
    facts.unreported?.(node, violations.map((v) => `${v.field}: ${v.message}`).join("; "));
    return undefined;
  }
  return meta;
}

/** One report about a task attempt. */
export interface TaskReport {
  readonly node: string;
  readonly attempt: number;
  readonly task: Identifier | undefined;
  readonly taskType: string;
  readonly phase: TaskExecutionPhase;
  readonly phaseVersion: number;
  readonly at: number;
  readonly logs?: readonly TaskLog[];
  readonly outputs?: LiteralMap;
  readonly error?: ExecutionError;
  /** Why the attempt is in this phase (the plugin's message, or why it waits). */
  readonly reason?: string;
  readonly pluginId: string;
}

export function taskEvent(producer: Producer, report: TaskReport): Event {
  const value = create(TaskExecutionEventSchema, {
    taskId: report.task,
    parentNodeExecutionId: { nodeId: nodeIdOf(report.node), executionId: producer.executionId },
    retryAttempt: report.attempt,
    phase: report.phase,
    phaseVersion: report.phaseVersion,
    producerId: producer.cluster,
    epoch: producer.epoch,
    occurredAt: timestampFromMs(report.at),
    reportedAt: timestampFromMs(Date.now()),
    logs: [...(report.logs ?? [])],
    reasons: report.reason === undefined || report.reason === "" ? [] : [{ reason: report.reason, occurredAt: timestampFromMs(report.at) }],
    outputResult: result(report.outputs, report.error),
    taskType: report.taskType,
    metadata: { pluginIdentifier: report.pluginId },
  });
  return create(EventSchema, { kind: { case: "taskEvent", value } });
}

function result(outputs: LiteralMap | undefined, error: ExecutionError | undefined) {
  if (error !== undefined) return { case: "error" as const, value: error };
  if (outputs !== undefined) return { case: "outputData" as const, value: outputs };
  return { case: undefined };
}
