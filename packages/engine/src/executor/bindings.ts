import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, LiteralSchema, type Binding, type BindingData, type Literal, type LiteralMap } from "@skein/idl";
import { assertNever } from "../assert-never.js";
import { applyAttrPath, renderAttrPath } from "./attr-path.js";

// Turns a node's input bindings into the literals it runs with: literal scalars, collections and
// maps of bindings, and promises (an upstream node's output, optionally indexed by an attribute
// path). Resolution never throws: a problem names the input and what is missing.

/** The workflow's inputs appear as the outputs of this reserved node. */
export const START_NODE = "start-node";

/** An upstream output, or why it cannot be read. `skipped`: the upstream node was skipped. */
export type OutputLookup =
  | { readonly ok: true; readonly value: Literal }
  | { readonly ok: false; readonly message: string; readonly skipped?: boolean };

/** Reads output `variable` of node `nodeId` (`start-node` for the scope's inputs). */
export type OutputSource = (nodeId: string, variable: string) => OutputLookup;

/** The resolved inputs, or the first input that could not be resolved and why. */
export type ResolveResult =
  | { readonly ok: true; readonly value: LiteralMap }
  | { readonly ok: false; readonly input: string; readonly message: string; readonly skipped: boolean };

type DataResult = { readonly ok: true; readonly value: Literal } | { readonly ok: false; readonly message: string; readonly skipped: boolean };

/** Resolves every binding except those named in `skip`. */
export function resolveBindings(bindings: readonly Binding[], source: OutputSource, skip?: ReadonlySet<string>): ResolveResult {
  const literals: Record<string, Literal> = {};
  for (const b of bindings) {
    if (skip?.has(b.var)) continue;
    if (!b.binding) return { ok: false, input: b.var, message: "the binding is empty", skipped: false };
    const r = resolveData(b.binding, source);
    if (!r.ok) return { ok: false, input: b.var, message: r.message, skipped: r.skipped };
    literals[b.var] = r.value;
  }
  return { ok: true, value: create(LiteralMapSchema, { literals }) };
}

function resolveData(data: BindingData, source: OutputSource): DataResult {
  const resolved = resolveValue(data, source);
  if (!resolved.ok || !data.union?.targetType) return resolved;
  // The receiving input is a union: carry the value together with the variant's type.
  return {
    ok: true,
    value: create(LiteralSchema, {
      value: { case: "scalar", value: { value: { case: "union", value: { value: resolved.value, type: data.union.targetType } } } },
    }),
  };
}

function resolveValue(data: BindingData, source: OutputSource): DataResult {
  const v = data.value;
  switch (v.case) {
    case "scalar":
      return { ok: true, value: create(LiteralSchema, { value: { case: "scalar", value: v.value } }) };
    case "offloaded":
      return { ok: true, value: create(LiteralSchema, { value: { case: "offloaded", value: v.value } }) };
    case "collection": {
      const literals: Literal[] = [];
      for (const [i, item] of v.value.bindings.entries()) {
        const r = resolveData(item, source);
        if (!r.ok) return { ...r, message: `item ${i}: ${r.message}` };
        literals.push(r.value);
      }
      return { ok: true, value: create(LiteralSchema, { value: { case: "collection", value: { literals } } }) };
    }
    case "map": {
      const literals: Record<string, Literal> = {};
      for (const key of Object.keys(v.value.bindings).sort()) {
        const item = v.value.bindings[key];
        if (item === undefined) continue;
        const r = resolveData(item, source);
        if (!r.ok) return { ...r, message: `key "${key}": ${r.message}` };
        literals[key] = r.value;
      }
      return { ok: true, value: create(LiteralSchema, { value: { case: "map", value: { literals } } }) };
    }
    case "promise": {
      const ref = v.value;
      const found = source(ref.nodeId, ref.var);
      if (!found.ok) return { ok: false, message: found.message, skipped: found.skipped ?? false };
      if (ref.attrPath.length === 0) return found;
      const r = applyAttrPath(found.value, ref.attrPath);
      if (r.ok) return r;
      return { ok: false, message: `${ref.nodeId}.${ref.var}${renderAttrPath(ref.attrPath)}: ${r.message}`, skipped: false };
    }
    case undefined:
      return { ok: false, message: "the binding has no value", skipped: false };
    default:
      return assertNever(v, "binding data");
  }
}

/** Adds the ids of the nodes `data` takes promises from (nested collections and maps included). */
export function collectPromiseNodes(data: BindingData | undefined, into: Set<string>): void {
  const v = data?.value;
  switch (v?.case) {
    case "promise":
      into.add(v.value.nodeId);
      return;
    case "collection":
      for (const item of v.value.bindings) collectPromiseNodes(item, into);
      return;
    case "map":
      for (const item of Object.values(v.value.bindings)) collectPromiseNodes(item, into);
      return;
    case "scalar":
    case "offloaded":
    case undefined:
      return;
    default:
      assertNever(v, "binding data");
  }
}
