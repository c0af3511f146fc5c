import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowSchema, type CompiledWorkflow, type OutputReference, type Variable, type WorkflowTemplate } from "@skein/idl";
import { describeType } from "../types/describe-type.js";
import { UNKNOWN, type BoundType } from "./bound-type.js";
import { bindingProblem, describeProblem, forEachPromise, type TypeOf } from "./binding-types.js";
import type { Catalog } from "./catalog.js";
import type { ErrorLocation, ErrorSink } from "./compile-error.js";
import { checkInterface } from "./compile-task.js";
import { analyzeGraph } from "./graph.js";
import { isReservedNodeId, isValidNodeId, listNames, START_NODE } from "./names.js";
import { checkNode } from "./node-check.js";
import { WorkflowScope } from "./workflow-scope.js";

/** How one workflow template is compiled. */
export interface CompileOneOptions {
  /** Prefix of node names in messages (`n5/` for the nodes a dynamic node generated). */
  readonly nodePrefix?: string;
  /** The node workflow-output problems are attributed to (the dynamic node itself). */
  readonly outputsNode?: string;
  /** False when the interface is unknown: workflow inputs and outputs are then not type-checked. */
  readonly typedInterface?: boolean;
}

export interface CompiledOne {
  readonly compiled: CompiledWorkflow;
  /** The sub-workflows this workflow's nodes run, by key. */
  readonly subWorkflows: ReadonlyMap<string, WorkflowTemplate>;
}

/** Compiles one workflow template, reporting every problem into `sink`. */
export function compileOne(template: WorkflowTemplate, catalog: Catalog, sink: ErrorSink, options: CompileOneOptions = {}): CompiledOne {
  const typed = options.typedInterface ?? true;
  if (!template.id) sink.add("INVALID_WORKFLOW", {}, "the workflow has no id");
  checkInterface(template.interface, sink, {});
  const inputs = typed ? variableTypes(template.interface?.inputs?.variables) : undefined;
  const scope = new WorkflowScope(sink, catalog, inputs, options.nodePrefix ?? "");

  const order = indexNodes(template, scope);
  const deps = new Map<string, Set<string>>();
  for (const id of order) {
    const node = scope.nodes.get(id);
    if (node) scope.signature(node, scope.nameOf(id));
  }
  for (const id of order) {
    const node = scope.nodes.get(id);
    if (node) deps.set(id, checkNode(scope, node, scope.nameOf(id)));
  }
  const outputDeps = checkOutputs(template, scope, typed, options.outputsNode);
  checkFailureNode(template, scope);

  const graph = analyzeGraph({ nodeIds: order, deps, outputDeps });
  for (const cycle of graph.cycles) {
    const [first] = cycle;
    const problem = cycle.length === 1 ? "the node depends on itself" : `nodes ${[...cycle, first].join(" -> ")} form a cycle`;
    sink.add("CYCLE", { node: scope.nameOf(first ?? "") }, problem);
  }
  for (const [id, reason] of graph.blocked) {
    sink.add("UNREACHABLE_NODE", { node: scope.nameOf(id) }, `the node can never run: it depends on "${reason}", which can never run (a cycle blocks it)`);
  }
  for (const id of outputDeps) {
    if (graph.canRun(id)) continue;
    const at = options.outputsNode === undefined ? {} : { node: options.outputsNode };
    sink.add("UNREACHABLE_NODE", at, `a workflow output reads node "${id}", which can never run (a cycle blocks it)`);
  }
  const compiled = create(CompiledWorkflowSchema, { template, connections: graph.connections });
  return { compiled, subWorkflows: scope.subWorkflows };
}

function variableTypes(variables: Record<string, Variable> | undefined): Map<string, BoundType> {
  const out = new Map<string, BoundType>();
  for (const [name, variable] of Object.entries(variables ?? {})) out.set(name, variable.type ?? UNKNOWN);
  return out;
}

// Registers the top-level nodes; returns the ids of those to check, in template order.
function indexNodes(template: WorkflowTemplate, scope: WorkflowScope): string[] {
  const order: string[] = [];
  for (const [i, node] of template.nodes.entries()) {
    const name = scope.nameOf(node.id);
    if (node.id === "") {
      scope.sink.add("INVALID_NODE_ID", {}, `node #${i + 1} has no id`);
      continue;
    }
    if (isReservedNodeId(node.id)) {
      scope.sink.add("RESERVED_NODE_ID", { node: name }, `"${node.id}" is reserved for the implicit workflow node`);
      continue;
    }
    if (scope.nodes.has(node.id)) {
      scope.sink.add("DUPLICATE_NODE_ID", { node: name }, `another node already uses the id "${node.id}"`);
      continue;
    }
    if (!isValidNodeId(node.id)) {
      scope.sink.add("INVALID_NODE_ID", { node: name }, "a node id is letters, digits, '_', '.', '-', starting with a letter, digit or '_'; at most 63");
    }
    scope.addNode(node);
    order.push(node.id);
  }
  return order;
}

// Checks the workflow outputs' bindings; returns the nodes they read.
function checkOutputs(template: WorkflowTemplate, scope: WorkflowScope, typed: boolean, outputsNode: string | undefined): Set<string> {
  const declared = typed ? variableTypes(template.interface?.outputs?.variables) : undefined;
  const deps = new Set<string>();
  const seen = new Set<string>();
  const resolved = new Map<OutputReference, BoundType>();
  const typeOf: TypeOf = (ref) => resolved.get(ref) ?? UNKNOWN;
  const locate = (output: string): ErrorLocation => (outputsNode === undefined ? { output } : { node: outputsNode, output });
  for (const binding of template.outputs) {
    const at = locate(binding.var);
    if (seen.has(binding.var)) {
      scope.sink.add("DUPLICATE_BINDING", at, "the output is bound more than once");
      continue;
    }
    seen.add(binding.var);
    const data = binding.binding;
    if (!data) {
      scope.sink.add("INVALID_BINDING", at, "the binding has no value");
      continue;
    }
    forEachPromise(data, (ref) => {
      const result = scope.resolve(ref, at);
      resolved.set(ref, result.type);
      if (result.dependency !== undefined) deps.add(result.dependency);
    });
    if (!declared) continue;
    const type = declared.get(binding.var);
    if (type === undefined) {
      scope.sink.add("UNKNOWN_OUTPUT", at, `the workflow declares no such output (outputs: ${listNames(declared.keys())})`);
    } else if (type !== UNKNOWN) {
      const problem = bindingProblem(data, type, typeOf);
      if (problem) scope.sink.add("BINDING_TYPE_MISMATCH", at, describeProblem(problem));
    }
  }
  for (const [name, type] of declared ?? []) {
    if (!seen.has(name)) scope.sink.add("MISSING_OUTPUT", locate(name), `the declared output (${type === UNKNOWN ? "untyped" : describeType(type)}) is not bound`);
  }
  return deps;
}

// The failure node runs after the workflow failed: it may read the workflow inputs only.
function checkFailureNode(template: WorkflowTemplate, scope: WorkflowScope): void {
  const node = template.failureNode;
  if (!node) return;
  const name = scope.nameOf(node.id);
  if (node.id === "" || !isValidNodeId(node.id)) scope.sink.add("INVALID_NODE_ID", { node: name }, `the failure node has an invalid id "${node.id}"`);
  else if (isReservedNodeId(node.id)) scope.sink.add("RESERVED_NODE_ID", { node: name }, `the failure node uses the reserved id "${node.id}"`);
  else if (scope.nodes.has(node.id)) scope.sink.add("DUPLICATE_NODE_ID", { node: name }, "the failure node uses the id of another node");
  const deps = checkNode(scope, node, name, { failure: true });
  for (const dep of deps) {
    if (dep === START_NODE) continue;
    scope.sink.add("INVALID_FAILURE_NODE", { node: name }, `the failure node may read only workflow inputs, but depends on node "${dep}"`);
  }
}
