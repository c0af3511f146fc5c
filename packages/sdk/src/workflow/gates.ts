import type { z } from "zod";
import { DefinitionError, nodeIdPattern } from "../definition-error.js";
import { timeoutOption, type DurationInput } from "../options.js";
import { literalTypeOf, UnsupportedSchemaError } from "../types/literal-type-of.js";
import { SINGLE_OUTPUT } from "../types/interface.js";
import { currentScope, NodeBuilder, type TargetInit } from "./node.js";
import { NodeHandle, Ref, type NodeResultLike } from "./ref.js";

// Gate nodes block until something outside the workflow happens: an approval, a typed signal,
// or the passing of time.

export interface GateOptions {
  /** Wait for these nodes before opening the gate. */
  readonly after?: NodeResultLike | readonly NodeResultLike[];
  /** Fail the gate when nothing arrives within this time. */
  readonly timeout?: DurationInput;
}

function gateNode(what: string, target: TargetInit, options: GateOptions, outputs: NodeBuilder["outputs"] = new Map()): NodeBuilder {
  const scope = currentScope(what);
  const node = new NodeBuilder(scope, what, scope.graph.nextId(), outputs);
  node.target = () => target;
  node.metadata = { name: what };
  if (options.timeout !== undefined) node.metadata.timeout = timeoutOption(options.timeout, `${scope.graph.owner}: node "${node.id}" (${what}): timeout`);
  scope.add(node);
  const after = options.after === undefined ? [] : Array.isArray(options.after) ? (options.after as readonly NodeResultLike[]) : [options.after as NodeResultLike];
  new NodeHandle(node).after(...after);
  return node;
}

function checkSignalId(id: string, what: string): void {
  if (!nodeIdPattern.test(id)) {
    throw new DefinitionError(`${what}: signal name ${JSON.stringify(id)} is invalid: letters, digits, "_", "." or "-", starting with a letter, digit or "_"; at most 63`);
  }
}

/** Waits until someone approves the execution (the signal `name`, a boolean); a rejection fails it. */
export function approve(name: string, options: GateOptions = {}): NodeHandle {
  checkSignalId(name, `approve("${name}")`);
  return new NodeHandle(gateNode(`approve("${name}")`, { case: "gateNode", value: { condition: { case: "approve", value: { signalId: name } } } }, options));
}

/** Waits for a value of `type` sent to the signal `name`, and returns it. */
export function waitForSignal<S extends z.ZodType>(name: string, type: S, options: GateOptions = {}): Ref<z.output<S>> {
  const what = `waitForSignal("${name}")`;
  checkSignalId(name, what);
  let literalType;
  try {
    literalType = literalTypeOf(type, `${what}: type`);
  } catch (error) {
    if (error instanceof UnsupportedSchemaError) throw new DefinitionError(error.message);
    throw error;
  }
  const target: TargetInit = { case: "gateNode", value: { condition: { case: "signal", value: { signalId: name, type: literalType, outputVariableName: SINGLE_OUTPUT } } } };
  const node = gateNode(what, target, options, new Map([[SINGLE_OUTPUT, { type: literalType, schema: type }]]));
  return new Ref(node.scope.graph, node, SINGLE_OUTPUT, literalType, type);
}

/** Waits for `duration` ("5m", "PT1H", or milliseconds). */
export function sleep(duration: DurationInput, options: Omit<GateOptions, "timeout"> = {}): NodeHandle {
  const what = `sleep(${JSON.stringify(duration)})`;
  const value = timeoutOption(duration, what);
  return new NodeHandle(gateNode(what, { case: "gateNode", value: { condition: { case: "sleep", value: { duration: value } } } }, options));
}
