import type { Identifier, PromiseAttribute } from "@skein/idl";

/** The implicit node whose outputs are the workflow inputs. */
export const START_NODE = "start-node";
/** The implicit node whose inputs are the workflow outputs. */
export const END_NODE = "end-node";

const nodeIdPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
const variablePattern = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const identifierLike = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isReservedNodeId(id: string): boolean {
  return id === START_NODE || id === END_NODE;
}

export function isValidNodeId(id: string): boolean {
  return nodeIdPattern.test(id);
}

export function isValidVariableName(name: string): boolean {
  return variablePattern.test(name);
}

/**
 * The key templates are looked up by: project, domain, name and version. The resource type is
 * not part of it, so a reference whose resource type is unset still finds its template.
 */
export function identifierKey(id: Identifier | undefined): string {
  if (!id) return "";
  const scope = id.project === "" && id.domain === "" ? "" : `${id.project}/${id.domain}/`;
  return `${scope}${id.name}@${id.version}`;
}

/** Ids in a stable order (by UTF-16 code unit; ids are ASCII by their pattern). */
export function sortedIds(ids: Iterable<string>): string[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A promise as users write it: `n0.o0`, `n0.o0.field[2]["odd key"]`. */
export function formatReference(nodeId: string, variable: string, path: readonly PromiseAttribute[] = []): string {
  return `${nodeId}.${variable}${formatAttrPath(path)}`;
}

/** An attribute path: `.field`, `[2]`, `["odd key"]`. */
export function formatAttrPath(path: readonly PromiseAttribute[]): string {
  let out = "";
  for (const step of path) {
    const v = step.value;
    if (v.case === "intValue") out += `[${v.value}]`;
    else if (v.case === "stringValue") out += identifierLike.test(v.value) ? `.${v.value}` : `[${JSON.stringify(v.value)}]`;
    else out += "[?]";
  }
  return out;
}

/** A short list of names for messages: `a, b, c` (capped, so huge interfaces stay readable). */
export function listNames(names: Iterable<string>, max = 10): string {
  const all = sortedIds(names);
  if (all.length === 0) return "none";
  const shown = all.slice(0, max).join(", ");
  return all.length > max ? `${shown}, ... (${all.length - max} more)` : shown;
}
