import type { ArrayNode, BindingData, BranchNode, Node } from "@skein/idl";
import { listType } from "../types/builders.js";
import { describeBound } from "./bound-type.js";
import { bindingProblem, describeProblem, inferBindingType, type TypeOf } from "./binding-types.js";
import { checkCondition } from "./branch-conditions.js";
import { branchBlocks, branchCaseNodes } from "./branch-outputs.js";
import { retryProblems, timeoutProblem } from "./metadata-checks.js";
import { isReservedNodeId, isValidNodeId } from "./names.js";
import { checkBindings, type BindingLocation, type BindingOptions } from "./node-bindings.js";
import type { InputSlot, Scope } from "./scope.js";

/**
 * Checks a node (and the nodes nested in it) and returns the nodes it depends on: those its
 * promises reference, its explicit upstream ids, and, for a branch, the dependencies of every
 * case's node (a case's node runs inside the branch node, so the branch waits for them).
 */
export function checkNode(scope: Scope, node: Node, name: string, options: BindingOptions = {}): Set<string> {
  const deps = new Set<string>();
  checkMetadata(scope, node, name);
  for (const id of node.upstreamNodeIds) {
    const dep = scope.upstream(id, { node: name });
    if (dep !== undefined) deps.add(dep);
  }
  const signature = scope.signature(node, name);
  const t = node.target;
  if (t.case === "branchNode") {
    const inputs = checkBindings(scope, node, name, signature, deps, options);
    checkBranch(scope, t.value, name, inputs, deps);
  } else if (t.case === "arrayNode") {
    checkArrayShape(scope, t.value, name);
    const bound = new Set(t.value.boundInputs);
    for (const input of bound) {
      if (signature.inputs && !signature.inputs.has(input) && !signature.fixed.has(input)) {
        scope.sink.add("INVALID_ARRAY", { node: name, input }, `bound_inputs names "${input}", which the sub-node does not declare`);
      }
    }
    const mapped = checkBindings(scope, node, name, signature, deps, { ...options, check: arraySlotCheck(scope, bound) });
    if (signature.inputs && ![...mapped.keys()].some((input) => !bound.has(input))) {
      scope.sink.add("INVALID_ARRAY", { node: name }, "the array node maps over no list: every bound input is in bound_inputs");
    }
  } else {
    checkBindings(scope, node, name, signature, deps, options);
  }
  return deps;
}

function checkBranch(scope: Scope, branch: BranchNode, name: string, inputs: ReadonlyMap<string, ReturnType<TypeOf>>, deps: Set<string>): void {
  const bad = (problem: string, input?: string): void => {
    scope.sink.add("INVALID_BRANCH", input === undefined ? { node: name } : { node: name, input }, problem);
  };
  const blocks = branchBlocks(branch);
  if (blocks.length === 0) bad("the branch has no cases");
  for (const [i, block] of blocks.entries()) {
    checkCondition(block.condition, inputs, (problem, operand) => { bad(`case ${i + 1}: ${problem}`, operand); });
    if (!block.thenNode) bad(`case ${i + 1} has no then_node`);
  }
  const ids = new Set<string>();
  for (const c of branchCaseNodes(branch)) {
    const childName = `${name}/${c.node.id}`;
    if (!checkNestedId(scope, c.node, name, `the ${c.label} node`)) continue;
    if (ids.has(c.node.id)) {
      scope.sink.add("DUPLICATE_NODE_ID", { node: childName }, "two cases of the branch use the same node id");
      continue;
    }
    ids.add(c.node.id);
    for (const dep of checkNode(scope, c.node, childName)) deps.add(dep);
  }
}

// A nested node's id must be usable in a node path; returns false when it is not.
function checkNestedId(scope: Scope, node: Node, parent: string, what: string): boolean {
  if (isReservedNodeId(node.id)) {
    scope.sink.add("RESERVED_NODE_ID", { node: `${parent}/${node.id}` }, `${what} uses the reserved id "${node.id}"`);
    return false;
  }
  if (!isValidNodeId(node.id)) {
    scope.sink.add("INVALID_NODE_ID", { node: parent }, `${what} has an invalid id "${node.id}"`);
    return false;
  }
  return true;
}

// The sub-node takes its inputs from the array node, element by element; bindings or explicit
// upstream ids of its own would never be used, so they are rejected rather than ignored.
function checkArrayShape(scope: Scope, array: ArrayNode, name: string): void {
  const sub = array.node;
  if (!sub || !checkNestedId(scope, sub, name, "the sub-node")) return;
  const subName = `${name}/${sub.id}`;
  checkMetadata(scope, sub, subName);
  if (sub.inputs.length > 0) {
    scope.sink.add("INVALID_ARRAY", { node: subName }, "the sub-node of an array node has bindings; bind the inputs on the array node");
  }
  if (sub.upstreamNodeIds.length > 0) {
    scope.sink.add("INVALID_ARRAY", { node: subName }, "the sub-node of an array node has upstream_node_ids; set them on the array node");
  }
}

// Mapped inputs take lists of the sub-node's input type; bound inputs take the type itself.
function arraySlotCheck(scope: Scope, bound: ReadonlySet<string>) {
  return (data: BindingData, slot: InputSlot, at: BindingLocation, typeOf: TypeOf): void => {
    if (bound.has(at.input)) {
      const problem = bindingProblem(data, slot.type, typeOf);
      if (problem) scope.sink.add("BINDING_TYPE_MISMATCH", at, describeProblem(problem));
      return;
    }
    const type = inferBindingType(data, typeOf);
    if (typeof type !== "string" && type.type.case !== "collectionType") {
      scope.sink.add("INVALID_ARRAY", at, `a mapped input must be a list, got ${describeBound(type)}; list it in bound_inputs to pass it whole`);
      return;
    }
    const problem = bindingProblem(data, listType(slot.type), typeOf);
    if (problem) scope.sink.add("BINDING_TYPE_MISMATCH", at, describeProblem(problem));
  };
}

function checkMetadata(scope: Scope, node: Node, name: string): void {
  const metadata = node.metadata;
  if (!metadata) return;
  const timeout = timeoutProblem(metadata.timeout);
  if (timeout) scope.sink.add("INVALID_NODE_METADATA", { node: name }, timeout);
  if (metadata.retries) {
    for (const problem of retryProblems(metadata.retries)) scope.sink.add("INVALID_RETRY_STRATEGY", { node: name }, problem);
  }
}
