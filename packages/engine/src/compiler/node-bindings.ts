import type { BindingData, Node, OutputReference } from "@skein/idl";
import { isCastable } from "../types/castable.js";
import { describeType } from "../types/describe-type.js";
import { UNKNOWN, type BoundType } from "./bound-type.js";
import { bindingProblem, describeProblem, forEachPromise, inferBindingType, type TypeOf } from "./binding-types.js";
import type { ErrorLocation } from "./compile-error.js";
import { listNames } from "./names.js";
import type { InputSlot, NodeSignature, Scope } from "./scope.js";
import { errorType } from "./signature.js";

/** Checks one bound value against the slot it binds; the default is a plain type check. */
export type SlotCheck = (data: BindingData, slot: InputSlot, at: BindingLocation, typeOf: TypeOf) => void;

/** Where a binding is: its node and input. */
export interface BindingLocation extends ErrorLocation {
  readonly node: string;
  readonly input: string;
}

export interface BindingOptions {
  /** The failure node: its `err` input is supplied by the engine and must not be bound. */
  readonly failure?: boolean;
  readonly check?: SlotCheck;
}

/** The input name through which a failure node receives the error. */
export const FAILURE_ERROR_INPUT = "err";

/**
 * Checks a node's bindings against its signature: duplicates, unknown and fixed inputs, types,
 * missing required inputs. Promises are resolved (adding their nodes to `deps`). Returns the
 * inferred type of every bound value, by input name (branch conditions read them).
 */
export function checkBindings(
  scope: Scope, node: Node, name: string, signature: NodeSignature, deps: Set<string>, options: BindingOptions = {},
): Map<string, BoundType> {
  const bound = new Map<string, BoundType>();
  const resolved = new Map<OutputReference, BoundType>();
  const typeOf: TypeOf = (ref) => resolved.get(ref) ?? UNKNOWN;
  const inputs = signature.inputs;
  for (const binding of node.inputs) {
    const at: BindingLocation = { node: name, input: binding.var };
    if (bound.has(binding.var)) {
      scope.sink.add("DUPLICATE_BINDING", at, "the input is bound more than once");
      continue;
    }
    const data = binding.binding;
    if (!data) {
      scope.sink.add("INVALID_BINDING", at, "the binding has no value");
      bound.set(binding.var, UNKNOWN);
      continue;
    }
    forEachPromise(data, (ref) => {
      const result = scope.resolve(ref, at);
      resolved.set(ref, result.type);
      if (result.dependency !== undefined) deps.add(result.dependency);
    });
    bound.set(binding.var, inferBindingType(data, typeOf));
    if (options.failure && binding.var === FAILURE_ERROR_INPUT && inputs?.has(FAILURE_ERROR_INPUT)) {
      scope.sink.add("INVALID_FAILURE_NODE", at, "the failure node receives the error in this input; it cannot be bound");
      continue;
    }
    if (!inputs) continue;
    if (signature.fixed.has(binding.var)) {
      scope.sink.add("UNKNOWN_INPUT", at, `the input is fixed by ${signature.target} and cannot be bound`);
      continue;
    }
    const slot = inputs.get(binding.var);
    if (!slot) {
      scope.sink.add("UNKNOWN_INPUT", at, `${signature.target} has no such input (inputs: ${listNames(inputs.keys())})`);
      continue;
    }
    if (options.check) options.check(data, slot, at, typeOf);
    else {
      const problem = bindingProblem(data, slot.type, typeOf);
      if (problem) scope.sink.add("BINDING_TYPE_MISMATCH", at, describeProblem(problem));
    }
  }
  if (inputs) reportMissing(scope, name, signature, inputs, bound, options);
  return bound;
}

function reportMissing(
  scope: Scope, name: string, signature: NodeSignature, inputs: ReadonlyMap<string, InputSlot>,
  bound: ReadonlyMap<string, BoundType>, options: BindingOptions,
): void {
  for (const [input, slot] of inputs) {
    const at = { node: name, input };
    if (options.failure && input === FAILURE_ERROR_INPUT) {
      if (!isCastable(errorType, slot.type)) {
        scope.sink.add("BINDING_TYPE_MISMATCH", at, `expected ${describeType(slot.type)}, got error (the failure node's "err" input receives the workflow's error)`);
      }
      continue;
    }
    if (slot.required && !bound.has(input)) {
      scope.sink.add("MISSING_INPUT", at, `required input of ${signature.target} (${describeType(slot.type)}) is not bound`);
    }
  }
}
