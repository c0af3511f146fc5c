import type { BranchNode, IfBlock, Node } from "@skein/idl";
import { describeBound, sameType, UNKNOWN, type BoundType } from "./bound-type.js";
import type { NodeSignature } from "./scope.js";

/** One case of a branch: its label in messages, its condition block (none for else), its node. */
export interface BranchCase {
  readonly label: string;
  readonly block?: IfBlock;
  readonly node: Node;
}

/** The cases of a branch that have a node to run, in order, the else node last. */
export function branchCaseNodes(branch: BranchNode): BranchCase[] {
  const out: BranchCase[] = [];
  for (const [i, block] of branchBlocks(branch).entries()) {
    if (block.thenNode) out.push({ label: `case ${i + 1}`, block, node: block.thenNode });
  }
  const fallback = branch.ifElse?.default;
  if (fallback?.case === "elseNode") out.push({ label: "else", node: fallback.value });
  return out;
}

/** The condition blocks: the first case, then the others. */
export function branchBlocks(branch: BranchNode): IfBlock[] {
  const ifElse = branch.ifElse;
  if (!ifElse) return [];
  return ifElse.case ? [ifElse.case, ...ifElse.other] : [...ifElse.other];
}

/**
 * The outputs of a branch node: those every case's node provides. Whichever case runs, they
 * exist. Cases must agree on their types; a disagreement is reported and the output typed UNKNOWN
 * (so consumers are not reported a second time). Undefined when a case's outputs are unknown.
 */
export function mergeCaseOutputs(
  cases: readonly NodeSignature[],
  report: (output: string, problem: string) => void,
): ReadonlyMap<string, BoundType> | undefined {
  const first = cases[0];
  if (!first) return new Map();
  if (cases.some((c) => c.outputs === undefined)) return undefined;
  const merged = new Map<string, BoundType>();
  for (const [name, firstType] of first.outputs ?? []) {
    let type: BoundType = firstType;
    let everywhere = true;
    for (const other of cases.slice(1)) {
      const t = other.outputs?.get(name);
      if (t === undefined) {
        everywhere = false;
        break;
      }
      if (type === UNKNOWN || t === UNKNOWN) type = UNKNOWN;
      else if (!sameType(type, t)) {
        report(name, `the cases disagree on the type of output "${name}": ${describeBound(type)} and ${describeBound(t)}`);
        type = UNKNOWN;
      }
    }
    if (everywhere) merged.set(name, type);
  }
  return merged;
}
