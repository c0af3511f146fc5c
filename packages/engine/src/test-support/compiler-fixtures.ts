// Builders for compiler tests: templates read like the workflows they describe. Not exported from
// the package.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  BindingDataSchema, BindingSchema, BooleanExpressionSchema, IdentifierSchema, LaunchPlanTemplateSchema, NodeSchema, ResourceType,
  SimpleType, TaskTemplateSchema, TypedInterfaceSchema, WorkflowTemplateSchema,
  type Binding, type BindingData, type BooleanExpression, type ComparisonOperator, type CompiledWorkflow,
  type CompiledWorkflowClosure, type Identifier, type LaunchPlanTemplate, type LiteralType, type Node, type NodeMetadataSchema,
  type OperandSchema, type TaskTemplate, type TypedInterface, type WorkflowTemplate,
} from "@skein/idl";
import { simpleType } from "../types/builders.js";
import { formatCompileErrors, type CompileError } from "../compiler/compile-error.js";
import type { CompileResult } from "../compiler/compile-workflow.js";

export const INT = simpleType(SimpleType.INTEGER);
export const FLOAT = simpleType(SimpleType.FLOAT);
export const STR = simpleType(SimpleType.STRING);
export const BOOL = simpleType(SimpleType.BOOLEAN);
export const ERR = simpleType(SimpleType.ERROR);
export const STRUCT = simpleType(SimpleType.STRUCT);

export type Vars = Readonly<Record<string, LiteralType>>;

export function ident(name: string, resourceType = ResourceType.TASK): Identifier {
  return create(IdentifierSchema, { resourceType, project: "p", domain: "d", name, version: "v1" });
}

export function iface(inputs: Vars = {}, outputs: Vars = {}): TypedInterface {
  const vars = (v: Vars) => ({ variables: Object.fromEntries(Object.entries(v).map(([k, type]) => [k, { type }])) });
  return create(TypedInterfaceSchema, { inputs: vars(inputs), outputs: vars(outputs) });
}

export function task(name: string, inputs: Vars = {}, outputs: Vars = {}, init: MessageInitShape<typeof TaskTemplateSchema> = {}): TaskTemplate {
  return create(TaskTemplateSchema, { id: ident(name), type: "container", interface: iface(inputs, outputs), ...init });
}

export function promise(nodeId: string, variable: string, ...path: (string | number)[]): BindingData {
  const attrPath = path.map((p) => ({ value: typeof p === "number" ? { case: "intValue" as const, value: p } : { case: "stringValue" as const, value: p } }));
  return create(BindingDataSchema, { value: { case: "promise", value: { nodeId, var: variable, attrPath } } });
}

export function int(value: number): BindingData {
  return create(BindingDataSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: BigInt(value) } } } } } });
}

export function str(value: string): BindingData {
  return create(BindingDataSchema, { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value } } } } } });
}

export function list(...items: BindingData[]): BindingData {
  return create(BindingDataSchema, { value: { case: "collection", value: { bindings: items } } });
}

export function bind(variable: string, data: BindingData): Binding {
  return create(BindingSchema, { var: variable, binding: data });
}

export function bindings(map: Readonly<Record<string, BindingData>>): Binding[] {
  return Object.entries(map).map(([k, v]) => bind(k, v));
}

type NodeInit = MessageInitShape<typeof NodeSchema>;

/** Extra node settings for `taskNode`. */
export interface NodeExtras {
  readonly upstream?: string[];
  readonly aliases?: Readonly<Record<string, string>>;
  readonly metadata?: MessageInitShape<typeof NodeMetadataSchema>;
}

export function taskNode(id: string, taskName: string, inputs: Readonly<Record<string, BindingData>> = {}, extras: NodeExtras = {}): Node {
  return create(NodeSchema, {
    id,
    inputs: bindings(inputs),
    upstreamNodeIds: extras.upstream ?? [],
    outputAliases: Object.entries(extras.aliases ?? {}).map(([v, alias]) => ({ var: v, alias })),
    metadata: extras.metadata,
    target: { case: "taskNode", value: { reference: { case: "referenceId", value: ident(taskName) } } },
  });
}

export function subWorkflowNode(id: string, name: string, inputs: Readonly<Record<string, BindingData>> = {}): Node {
  return create(NodeSchema, {
    id, inputs: bindings(inputs),
    target: { case: "workflowNode", value: { reference: { case: "subWorkflowRef", value: ident(name, ResourceType.WORKFLOW) } } },
  });
}

export function launchPlanNode(id: string, name: string, inputs: Readonly<Record<string, BindingData>> = {}): Node {
  return create(NodeSchema, {
    id, inputs: bindings(inputs),
    target: { case: "workflowNode", value: { reference: { case: "launchplanRef", value: ident(name, ResourceType.LAUNCH_PLAN) } } },
  });
}

export function node(init: NodeInit): Node {
  return create(NodeSchema, init);
}

export interface WorkflowSpec {
  readonly inputs?: Vars;
  readonly outputs?: Vars;
  readonly nodes?: Node[];
  readonly bind?: Readonly<Record<string, BindingData>>;
  readonly failureNode?: Node;
}

export function workflow(name: string, spec: WorkflowSpec = {}): WorkflowTemplate {
  return create(WorkflowTemplateSchema, {
    id: ident(name, ResourceType.WORKFLOW),
    interface: iface(spec.inputs, spec.outputs),
    nodes: spec.nodes ?? [],
    outputs: bindings(spec.bind ?? {}),
    failureNode: spec.failureNode,
  });
}

export function launchPlan(name: string, inputs: Vars, outputs: Vars, fixed: Readonly<Record<string, bigint>> = {}): LaunchPlanTemplate {
  const literals = Object.fromEntries(Object.entries(fixed).map(([k, v]) => [k, {
    value: { case: "scalar" as const, value: { value: { case: "primitive" as const, value: { value: { case: "integer" as const, value: v } } } } },
  }]));
  return create(LaunchPlanTemplateSchema, { id: ident(name, ResourceType.LAUNCH_PLAN), interface: iface(inputs, outputs), fixedInputs: { literals } });
}

/** The closure of a successful compilation; fails the test with the errors otherwise. */
export function closureOf(result: CompileResult): CompiledWorkflowClosure {
  if (!result.ok) throw new Error(`expected success, got:\n${formatCompileErrors(result.errors)}`);
  return result.closure;
}

/** The errors of a failed compilation; fails the test on success. */
export function errorsOf(result: CompileResult): CompileError[] {
  if (result.ok) throw new Error("expected compile errors, got a closure");
  return result.errors;
}

/** The sorted id lists of a compiled workflow's connections, as plain objects. */
export function edges(compiled: CompiledWorkflow | undefined): { up: Record<string, string[]>; down: Record<string, string[]> } {
  const plain = (m: Record<string, { ids: string[] }> | undefined) =>
    Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v.ids]));
  return { up: plain(compiled?.connections?.upstream), down: plain(compiled?.connections?.downstream) };
}

/** The one error with `code`; fails when there is none or several. */
export function onlyError(errors: readonly CompileError[], code: CompileError["code"]): CompileError {
  const found = errors.filter((e) => e.code === code);
  if (found.length !== 1) throw new Error(`expected one ${code} error, got ${found.length}:\n${formatCompileErrors(errors)}`);
  return found[0] as CompileError;
}

/** A comparison operand: a branch input name (`{ var }`), or an int/string constant. */
export type OperandSpec = { readonly var: string } | number | string;

export function comparison(operator: ComparisonOperator, left: OperandSpec, right: OperandSpec): BooleanExpression {
  const operand = (o: OperandSpec): MessageInitShape<typeof OperandSchema> => {
    if (typeof o === "object") return { val: { case: "var", value: o.var } };
    const value = typeof o === "number" ? { case: "integer" as const, value: BigInt(o) } : { case: "stringValue" as const, value: o };
    return { val: { case: "scalar", value: { value: { case: "primitive", value: { value } } } } };
  };
  return create(BooleanExpressionSchema, { expr: { case: "comparison", value: { operator, leftValue: operand(left), rightValue: operand(right) } } });
}

export interface BranchCaseSpec {
  readonly when?: BooleanExpression;
  readonly then?: Node;
}

export function branchNode(id: string, inputs: Readonly<Record<string, BindingData>>, cases: readonly BranchCaseSpec[], elseNode?: Node): Node {
  const blocks = cases.map((c) => ({ condition: c.when, thenNode: c.then }));
  return create(NodeSchema, {
    id,
    inputs: bindings(inputs),
    target: {
      case: "branchNode",
      value: {
        ifElse: {
          case: blocks[0],
          other: blocks.slice(1),
          default: elseNode ? { case: "elseNode", value: elseNode } : { case: undefined },
        },
      },
    },
  });
}

export interface ArraySpec {
  readonly bound?: string[];
  readonly ratio?: number;
}

export function arrayNode(id: string, sub: Node, inputs: Readonly<Record<string, BindingData>>, spec: ArraySpec = {}): Node {
  return create(NodeSchema, {
    id,
    inputs: bindings(inputs),
    target: {
      case: "arrayNode",
      value: {
        node: sub,
        boundInputs: spec.bound ?? [],
        successCriteria: spec.ratio === undefined ? { case: undefined } : { case: "minSuccessRatio", value: spec.ratio },
      },
    },
  });
}
