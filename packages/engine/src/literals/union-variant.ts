import type { LiteralType } from "@skein/idl";
import { isCastable } from "../types/castable.js";
import { typesEqual } from "../types/equal.js";

/**
 * The variant of `variants` that a union value carrying `carried` as its type belongs to: the equal
 * variant (the one with the same structure tag when several are equal), else the only variant the
 * carried type casts to (again tie-broken by tag). Undefined when there is none or it is ambiguous.
 */
export function selectUnionVariant(carried: LiteralType, variants: readonly LiteralType[]): LiteralType | undefined {
  const equal = variants.filter((v) => typesEqual(carried, v));
  if (equal.length > 0) return pick(carried, equal);
  return pick(carried, variants.filter((v) => isCastable(carried, v)));
}

function pick(carried: LiteralType, candidates: readonly LiteralType[]): LiteralType | undefined {
  if (candidates.length <= 1) return candidates[0];
  const tag = carried.structure?.tag ?? "";
  if (tag === "") return undefined;
  const tagged = candidates.filter((v) => v.structure?.tag === tag);
  return tagged.length === 1 ? tagged[0] : undefined;
}
