import { SimpleType, type ArrayNode, type GateNode, type Node, type TypedInterface, type WorkflowNode } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { listType, optionalType, simpleType } from "../types/builders.js";
import { acceptsNone, UNKNOWN, type BoundType } from "./bound-type.js";
import { branchCaseNodes, mergeCaseOutputs } from "./branch-outputs.js";
import { durationMs } from "./metadata-checks.js";
import { identifierKey, isValidNodeId, isValidVariableName, listNames } from "./names.js";
import type { InputSlot, NodeSignature, Scope } from "./scope.js";

// A node's signature: the inputs its target declares and the outputs it produces.
//   task node        -> the task interface (every input required)
//   sub-workflow     -> the sub-workflow interface (every input required)
//   launch plan      -> its interface minus fixed inputs (inputs that accept none are optional)
//   branch node      -> free inputs; outputs every case provides, with agreeing types
//   gate             -> no inputs; a signal gate outputs its value, approve and sleep nothing
//   array node       -> the sub-node's inputs (element types); list<T> per output, with
//                       optional<T> items when the success criteria tolerate failed runs
// Output aliases then rename outputs.

const unknownSignature = (target: string): NodeSignature => ({
  target, inputs: undefined, freeInputs: false, fixed: new Set(), outputs: undefined,
});

export function computeSignature(scope: Scope, node: Node, name: string): NodeSignature {
  return applyAliases(scope, node, name, baseSignature(scope, node, name));
}

function baseSignature(scope: Scope, node: Node, name: string): NodeSignature {
  const t = node.target;
  switch (t.case) {
    case "taskNode": {
      const ref = t.value.reference.case === "referenceId" ? t.value.reference.value : undefined;
      const key = identifierKey(ref);
      const task = scope.catalog.task(ref);
      if (!ref) scope.sink.add("MISSING_TARGET", { node: name }, "the task node names no task");
      else if (!task) scope.sink.add("UNKNOWN_TASK", { node: name }, `no task "${key}" was given to the compiler`);
      if (!task) return unknownSignature(`task "${key}"`);
      return scope.shared(`task ${key}`, () => fromInterface(`task "${key}"`, task.interface, () => true));
    }
    case "workflowNode":
      return workflowSignature(scope, t.value, name);
    case "branchNode": {
      const cases = branchCaseNodes(t.value).map((c) => scope.signature(c.node, `${name}/${c.node.id}`));
      const outputs = mergeCaseOutputs(cases, (output, problem) => { scope.sink.add("INVALID_BRANCH", { node: name, output }, problem); });
      return { target: "branch node", inputs: undefined, freeInputs: true, fixed: new Set(), outputs };
    }
    case "gateNode":
      return gateSignature(scope, t.value, name);
    case "arrayNode":
      return arraySignature(scope, t.value, name);
    case undefined:
      scope.sink.add("MISSING_TARGET", { node: name }, "the node has no target (task, workflow, branch, gate or array)");
      return unknownSignature("node");
    default:
      return assertNever(t, "node target");
  }
}

function workflowSignature(scope: Scope, target: WorkflowNode, name: string): NodeSignature {
  const ref = target.reference;
  switch (ref.case) {
    case "subWorkflowRef": {
      const key = identifierKey(ref.value);
      const sub = scope.catalog.subWorkflow(ref.value);
      if (!sub) {
        scope.sink.add("UNKNOWN_SUBWORKFLOW", { node: name }, `no sub-workflow "${key}" was given to the compiler`);
        return unknownSignature(`sub-workflow "${key}"`);
      }
      scope.referenceSubWorkflow(key, sub);
      return scope.shared(`sub-workflow ${key}`, () => fromInterface(`sub-workflow "${key}"`, sub.interface, () => true));
    }
    case "launchplanRef": {
      const key = identifierKey(ref.value);
      const plan = scope.catalog.launchPlan(ref.value);
      if (!plan) {
        scope.sink.add("UNKNOWN_LAUNCH_PLAN", { node: name }, `no launch plan "${key}" was given to the compiler`);
        return unknownSignature(`launch plan "${key}"`);
      }
      return scope.shared(`launch plan ${key}`, () => {
        const fixed = new Set(Object.keys(plan.fixedInputs?.literals ?? {}));
        const signature = fromInterface(`launch plan "${key}"`, plan.interface, (slot) => !acceptsNone(slot));
        const inputs = new Map([...(signature.inputs ?? [])].filter(([v]) => !fixed.has(v)));
        return { ...signature, inputs, fixed };
      });
    }
    case undefined:
      scope.sink.add("MISSING_TARGET", { node: name }, "the workflow node names neither a sub-workflow nor a launch plan");
      return unknownSignature("workflow node");
    default:
      return assertNever(ref, "workflow reference");
  }
}

function fromInterface(target: string, iface: TypedInterface | undefined, required: (type: InputSlot["type"]) => boolean): NodeSignature {
  const inputs = new Map<string, InputSlot>();
  for (const [v, variable] of Object.entries(iface?.inputs?.variables ?? {})) {
    if (variable.type) inputs.set(v, { type: variable.type, required: required(variable.type) });
  }
  const outputs = new Map<string, BoundType>();
  for (const [v, variable] of Object.entries(iface?.outputs?.variables ?? {})) outputs.set(v, variable.type ?? UNKNOWN);
  return { target, inputs, freeInputs: false, fixed: new Set(), outputs };
}

function gateSignature(scope: Scope, gate: GateNode, name: string): NodeSignature {
  const outputs = new Map<string, BoundType>();
  const signature: NodeSignature = { target: "gate node", inputs: new Map(), freeInputs: false, fixed: new Set(), outputs };
  const bad = (problem: string): void => { scope.sink.add("INVALID_GATE", { node: name }, problem); };
  const c = gate.condition;
  switch (c.case) {
    case "approve":
      if (!isValidNodeId(c.value.signalId)) bad(`approve gate has an invalid signal_id "${c.value.signalId}"`);
      return signature;
    case "signal":
      if (!isValidNodeId(c.value.signalId)) bad(`signal gate has an invalid signal_id "${c.value.signalId}"`);
      if (!c.value.type) bad("signal gate declares no type");
      if (!isValidVariableName(c.value.outputVariableName)) {
        bad(`signal gate has an invalid output_variable_name "${c.value.outputVariableName}"`);
      } else outputs.set(c.value.outputVariableName, c.value.type ?? UNKNOWN);
      return signature;
    case "sleep": {
      const ms = c.value.duration ? durationMs(c.value.duration) : undefined;
      if (ms === undefined) bad("sleep gate has no duration");
      else if (ms < 0) bad(`sleep gate has a negative duration (${ms} ms)`);
      return signature;
    }
    case undefined:
      bad("gate node has no condition (approve, signal or sleep)");
      return signature;
    default:
      return assertNever(c, "gate condition");
  }
}

function arraySignature(scope: Scope, array: ArrayNode, name: string): NodeSignature {
  const bad = (problem: string): void => { scope.sink.add("INVALID_ARRAY", { node: name }, problem); };
  const sub = array.node;
  if (!sub) {
    bad("the array node has no sub-node to run");
    return unknownSignature("array node");
  }
  const kind = sub.target.case;
  if (kind !== "taskNode" && kind !== "workflowNode") {
    bad(`an array node runs a task or workflow node, not a ${kind ? kind.replace(/Node$/, " node") : "node without target"}`);
    return unknownSignature("array node");
  }
  const criteria = array.successCriteria;
  if (criteria.case === "minSuccessRatio" && !(criteria.value >= 0 && criteria.value <= 1)) {
    bad(`min_success_ratio must be between 0 and 1, not ${criteria.value}`);
  }
  const tolerant = criteria.case === "minSuccesses" || (criteria.case === "minSuccessRatio" && criteria.value < 1);
  const inner = scope.signature(sub, `${name}/${sub.id}`);
  const outputs = inner.outputs && new Map([...inner.outputs].map(([v, type]) => [v, mapped(type, tolerant)] as const));
  return { target: `array node over ${inner.target}`, inputs: inner.inputs, freeInputs: false, fixed: inner.fixed, outputs };
}

function mapped(type: BoundType, tolerant: boolean): BoundType {
  if (type === UNKNOWN) return UNKNOWN;
  return listType(tolerant && !acceptsNone(type) ? optionalType(type) : type);
}

function applyAliases(scope: Scope, node: Node, name: string, base: NodeSignature): NodeSignature {
  const outputs = base.outputs;
  if (node.outputAliases.length === 0 || !outputs) return base;
  const renamed = new Set(node.outputAliases.map((a) => a.var));
  const result = new Map([...outputs].filter(([v]) => !renamed.has(v)));
  for (const alias of node.outputAliases) {
    const type = outputs.get(alias.var);
    const at = { node: name, output: alias.alias };
    if (type === undefined) {
      scope.sink.add("INVALID_ALIAS", at, `alias of "${alias.var}", which ${base.target} does not output (outputs: ${listNames(outputs.keys())})`);
    } else if (!isValidVariableName(alias.alias)) {
      scope.sink.add("INVALID_ALIAS", at, `"${alias.alias}" is not a valid output name`);
    } else if (result.has(alias.alias)) {
      scope.sink.add("INVALID_ALIAS", at, `alias of "${alias.var}" collides with another output of the same name`);
    } else result.set(alias.alias, type);
  }
  return { ...base, outputs: result };
}

/** The type an `err` input of a failure node receives. */
export const errorType = simpleType(SimpleType.ERROR);
