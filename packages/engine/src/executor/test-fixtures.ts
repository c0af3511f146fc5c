import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import {
  ArrayNodeSchema,
  BindingDataSchema,
  BooleanExpressionSchema,
  CompiledWorkflowClosureSchema,
  ComparisonOperator,
  DynamicJobSpecSchema,
  ErrorKind,
  ExecutionErrorSchema,
  LaunchPlanTemplateSchema,
  LiteralMapSchema,
  LiteralSchema,
  LiteralTypeSchema,
  LogicalOperator,
  NodeSchema,
  ResourceType,
  SimpleType,
  TaskTemplateSchema,
  WorkflowFailurePolicy,
  WorkflowTemplateSchema,
  type BindingData,
  type BooleanExpression,
  type CompiledWorkflowClosure,
  type DynamicJobSpec,
  type ExecutionError,
  type Identifier,
  type LaunchPlanTemplate,
  type Literal,
  type LiteralMap,
  type LiteralType,
  type Node,
  type OperandSchema,
  type TaskTemplate,
  type WorkflowTemplate,
  type NodeExecutionPhase,
  type WorkflowExecutionPhase,
} from "@skein/idl";
import type { Decision, EngineRecord } from "./api.js";
import type { TaskBehavior } from "./test-driver.js";

// Small builders for workflow templates and literals, so engine tests read like the workflows
// they run. Every value is made with `create` from the generated schemas.

type NodeInit = MessageInitShape<typeof NodeSchema>;

export const INT: LiteralType = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.INTEGER } });
export const STR: LiteralType = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.STRING } });
export const BOOL: LiteralType = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.BOOLEAN } });
export const ERROR: LiteralType = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.ERROR } });
export const listOf = (t: LiteralType): LiteralType => create(LiteralTypeSchema, { type: { case: "collectionType", value: t } });

export const int = (n: number | bigint): Literal =>
  create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: BigInt(n) } } } } } });
export const str = (s: string): Literal =>
  create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value: s } } } } } });
export const bool = (b: boolean): Literal =>
  create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "boolean", value: b } } } } } });
export const struct = (json: string): Literal =>
  create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "structValue", value: { json } } } } });
export const list = (items: Literal[]): Literal => create(LiteralSchema, { value: { case: "collection", value: { literals: items } } });
export const lmap = (literals: Record<string, Literal>): LiteralMap => create(LiteralMapSchema, { literals });

/** The integer in a literal; throws when it holds something else. */
export function readInt(literal: Literal | undefined): bigint {
  const v = literal?.value;
  if (v?.case === "scalar" && v.value.value.case === "primitive" && v.value.value.value.value.case === "integer") return v.value.value.value.value.value;
  throw new Error(`not an int literal: ${JSON.stringify(v?.case)}`);
}

export function isNone(literal: Literal | undefined): boolean {
  return literal?.value.case === "scalar" && literal.value.value.value.case === "noneType";
}

export const id = (name: string, resourceType = ResourceType.TASK): Identifier =>
  ({ $typeName: "skein.core.v1.Identifier", resourceType, project: "p", domain: "d", name, version: "v1" });

const vars = (m: Record<string, LiteralType> = {}) => ({ variables: Object.fromEntries(Object.entries(m).map(([k, type]) => [k, { type }])) });

export interface TaskOptions {
  readonly inputs?: Record<string, LiteralType>;
  readonly outputs?: Record<string, LiteralType>;
  readonly retries?: number;
  readonly initialDelayMs?: number;
  readonly multiplier?: number;
  readonly maxDelayMs?: number;
  readonly timeoutMs?: number;
  readonly cache?: boolean;
  readonly cacheVersion?: string;
}

export function task(name: string, o: TaskOptions = {}): TaskTemplate {
  return create(TaskTemplateSchema, {
    id: id(name),
    type: "typescript",
    interface: { inputs: vars(o.inputs), outputs: vars(o.outputs ?? { o0: INT }) },
    metadata: {
      discoverable: o.cache ?? false,
      discoveryVersion: o.cacheVersion ?? "1",
      timeout: o.timeoutMs ? durationFromMs(o.timeoutMs) : undefined,
      retries: {
        retries: o.retries ?? 0,
        initialDelay: o.initialDelayMs ? durationFromMs(o.initialDelayMs) : undefined,
        multiplier: o.multiplier ?? 0,
        maxDelay: o.maxDelayMs ? durationFromMs(o.maxDelayMs) : undefined,
      },
    },
  });
}

export const promise = (nodeId: string, variable: string, ...path: (string | number)[]): BindingData =>
  create(BindingDataSchema, {
    value: {
      case: "promise",
      value: {
        nodeId,
        var: variable,
        attrPath: path.map((p) =>
          typeof p === "number" ? { value: { case: "intValue" as const, value: p } } : { value: { case: "stringValue" as const, value: p } },
        ),
      },
    },
  });
export const input = (name: string, ...path: (string | number)[]): BindingData => promise("start-node", name, ...path);
export function literalBinding(literal: Literal): BindingData {
  if (literal.value.case === "scalar") return create(BindingDataSchema, { value: { case: "scalar", value: literal.value.value } });
  if (literal.value.case === "collection") return listBinding(literal.value.value.literals.map(literalBinding));
  throw new Error("literalBinding: only scalars and lists");
}
export const listBinding = (items: BindingData[]): BindingData => create(BindingDataSchema, { value: { case: "collection", value: { bindings: items } } });
export const mapBinding = (items: Record<string, BindingData>): BindingData => create(BindingDataSchema, { value: { case: "map", value: { bindings: items } } });
const bindings = (m: Record<string, BindingData>) => Object.entries(m).map(([v, binding]) => ({ var: v, binding }));

export interface NodeOptions {
  readonly upstream?: string[];
  readonly retries?: number;
  readonly timeoutMs?: number;
  readonly cacheable?: boolean;
  readonly cacheVersion?: string;
  readonly aliases?: Record<string, string>;
}

function node(nodeId: string, inputs: Record<string, BindingData>, target: NodeInit["target"], o: NodeOptions = {}): Node {
  return create(NodeSchema, {
    id: nodeId,
    inputs: bindings(inputs),
    upstreamNodeIds: o.upstream ?? [],
    outputAliases: Object.entries(o.aliases ?? {}).map(([v, alias]) => ({ var: v, alias })),
    metadata: {
      retries: o.retries === undefined ? undefined : { retries: o.retries },
      timeout: o.timeoutMs ? durationFromMs(o.timeoutMs) : undefined,
      cacheableValue: o.cacheable === undefined ? { case: undefined } : { case: "cacheable", value: o.cacheable },
      cacheVersionValue: o.cacheVersion === undefined ? { case: undefined } : { case: "cacheVersion", value: o.cacheVersion },
    },
    target,
  });
}

export const taskNode = (nodeId: string, taskName: string, inputs: Record<string, BindingData> = {}, o?: NodeOptions): Node =>
  node(nodeId, inputs, { case: "taskNode", value: { reference: { case: "referenceId", value: id(taskName) } } }, o);
export const subworkflowNode = (nodeId: string, workflowName: string, inputs: Record<string, BindingData> = {}, o?: NodeOptions): Node =>
  node(nodeId, inputs, { case: "workflowNode", value: { reference: { case: "subWorkflowRef", value: id(workflowName, ResourceType.WORKFLOW) } } }, o);
export const launchPlanNode = (nodeId: string, planName: string, inputs: Record<string, BindingData> = {}, o?: NodeOptions): Node =>
  node(nodeId, inputs, { case: "workflowNode", value: { reference: { case: "launchplanRef", value: id(planName, ResourceType.LAUNCH_PLAN) } } }, o);
export const approveNode = (nodeId: string, signalId: string, inputs: Record<string, BindingData> = {}, o?: NodeOptions): Node =>
  node(nodeId, inputs, { case: "gateNode", value: { condition: { case: "approve", value: { signalId } } } }, o);
export const signalNode = (nodeId: string, signalId: string, type: LiteralType, outputVariableName = "o0", o?: NodeOptions): Node =>
  node(nodeId, {}, { case: "gateNode", value: { condition: { case: "signal", value: { signalId, type, outputVariableName } } } }, o);
export const sleepNode = (nodeId: string, ms: number, o?: NodeOptions): Node =>
  node(nodeId, {}, { case: "gateNode", value: { condition: { case: "sleep", value: { duration: durationFromMs(ms) } } } }, o);

export interface ArrayOptions extends NodeOptions {
  readonly parallelism?: number;
  readonly minSuccesses?: number;
  readonly minSuccessRatio?: number;
  readonly bound?: string[];
}
export function arrayNode(nodeId: string, sub: Node, inputs: Record<string, BindingData>, o: ArrayOptions = {}): Node {
  const value = create(ArrayNodeSchema, {
    node: sub,
    boundInputs: o.bound ?? [],
    parallelismOption: o.parallelism === undefined ? { case: undefined } : { case: "parallelism", value: o.parallelism },
    successCriteria:
      o.minSuccesses !== undefined ? { case: "minSuccesses", value: o.minSuccesses }
      : o.minSuccessRatio !== undefined ? { case: "minSuccessRatio", value: o.minSuccessRatio }
      : { case: undefined },
  });
  return node(nodeId, inputs, { case: "arrayNode", value }, o);
}

type OperandInit = MessageInitShape<typeof OperandSchema>;
export const v = (name: string): OperandInit => ({ val: { case: "var", value: name } });
export const lit = (literal: Literal): OperandInit => {
  if (literal.value.case !== "scalar") throw new Error("lit: operands are scalars");
  return { val: { case: "scalar", value: literal.value.value } };
};
const OPS = { "==": ComparisonOperator.EQ, "!=": ComparisonOperator.NEQ, ">": ComparisonOperator.GT, ">=": ComparisonOperator.GTE, "<": ComparisonOperator.LT, "<=": ComparisonOperator.LTE } as const;
export const cmp = (left: OperandInit, op: keyof typeof OPS, right: OperandInit): BooleanExpression =>
  create(BooleanExpressionSchema, { expr: { case: "comparison", value: { operator: OPS[op], leftValue: left, rightValue: right } } });
export const and = (a: BooleanExpression, b: BooleanExpression): BooleanExpression =>
  create(BooleanExpressionSchema, { expr: { case: "conjunction", value: { operator: LogicalOperator.AND, leftExpression: a, rightExpression: b } } });
export const or = (a: BooleanExpression, b: BooleanExpression): BooleanExpression =>
  create(BooleanExpressionSchema, { expr: { case: "conjunction", value: { operator: LogicalOperator.OR, leftExpression: a, rightExpression: b } } });

export type Fallback = { readonly else: Node } | { readonly error: string };
export function branchNode(nodeId: string, inputs: Record<string, BindingData>, cases: { when: BooleanExpression; then: Node }[], fallback?: Fallback, o?: NodeOptions): Node {
  const [first, ...rest] = cases.map((c) => ({ condition: c.when, thenNode: c.then }));
  const ifElse = {
    case: first,
    other: rest,
    default:
      fallback === undefined ? { case: undefined }
      : "else" in fallback ? { case: "elseNode" as const, value: fallback.else }
      : { case: "error" as const, value: { failedNodeId: nodeId, message: fallback.error } },
  };
  return node(nodeId, inputs, { case: "branchNode", value: { ifElse } }, o);
}

export interface WorkflowOptions {
  readonly inputs?: Record<string, LiteralType>;
  readonly outputs?: Record<string, LiteralType>;
  readonly nodes: Node[];
  readonly outputBindings?: Record<string, BindingData>;
  readonly failureNode?: Node;
  readonly failAfterExecutableNodes?: boolean;
  readonly timeoutMs?: number;
}
export function workflow(name: string, o: WorkflowOptions): WorkflowTemplate {
  return create(WorkflowTemplateSchema, {
    id: id(name, ResourceType.WORKFLOW),
    metadata: {
      onFailure: o.failAfterExecutableNodes ? WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE : WorkflowFailurePolicy.FAIL_IMMEDIATELY,
      timeout: o.timeoutMs ? durationFromMs(o.timeoutMs) : undefined,
    },
    interface: { inputs: vars(o.inputs), outputs: vars(o.outputs) },
    nodes: o.nodes,
    outputs: bindings(o.outputBindings ?? {}),
    failureNode: o.failureNode,
  });
}

export const launchPlan = (name: string, outputs: Record<string, LiteralType> = { o0: INT }): LaunchPlanTemplate =>
  create(LaunchPlanTemplateSchema, { id: id(name, ResourceType.LAUNCH_PLAN), interface: { outputs: vars(outputs) } });

export function closure(primary: WorkflowTemplate, o: { tasks?: TaskTemplate[]; subWorkflows?: WorkflowTemplate[]; launchPlans?: LaunchPlanTemplate[] } = {}): CompiledWorkflowClosure {
  return create(CompiledWorkflowClosureSchema, {
    primary: { template: primary },
    tasks: (o.tasks ?? []).map((template) => ({ template })),
    subWorkflows: (o.subWorkflows ?? []).map((template) => ({ template })),
    launchPlans: (o.launchPlans ?? []).map((template) => ({ template })),
  });
}

export const dynamicSpec = (nodes: Node[], outputs: Record<string, BindingData>, tasks: TaskTemplate[] = []): DynamicJobSpec =>
  create(DynamicJobSpecSchema, { nodes, outputs: bindings(outputs), tasks });

export const userErr = (code: string, message = code): ExecutionError => create(ExecutionErrorSchema, { code, message, kind: ErrorKind.USER });
export const systemErr = (code: string, message = code): ExecutionError => create(ExecutionErrorSchema, { code, message, kind: ErrorKind.SYSTEM });

/** A task implementation that returns fixed outputs. */
export const returns = (outputs: Record<string, Literal>, durationMs?: number): TaskBehavior => () => ({ kind: "succeed", outputs: lmap(outputs), durationMs });
/** A task implementation that fails with `error` every time. */
export const fails = (error: ExecutionError, recoverable = true, durationMs?: number): TaskBehavior => () => ({ kind: "fail", error, recoverable, durationMs });
/** `o0 = 1 + the sum of every int input (lists of ints included)`. */
export const sumPlusOne: TaskBehavior = ({ inputs }) => {
  let total = 1n;
  for (const value of Object.values(inputs.literals)) {
    if (value.value.case === "collection") for (const item of value.value.value.literals) total += readInt(item);
    else total += readInt(value);
  }
  return { kind: "succeed", outputs: lmap({ o0: int(total) }) };
};

/** The phases a node's records went through, in order. */
export function nodePhases(run: { readonly records: readonly EngineRecord[] }, path: string): NodeExecutionPhase[] {
  return run.records.flatMap((r) => (r.type === "node" && r.node === path ? [r.phase] : []));
}

/** The workflow phases recorded, in order. */
export function workflowPhases(run: { readonly records: readonly EngineRecord[] }): WorkflowExecutionPhase[] {
  return run.records.flatMap((r) => (r.type === "workflow" ? [r.phase] : []));
}

/** The decisions of one type. */
export function decisionsOf<T extends Decision["type"]>(run: { readonly decisions: readonly Decision[] }, type: T): Extract<Decision, { type: T }>[] {
  return run.decisions.filter((d): d is Extract<Decision, { type: T }> => d.type === type);
}
