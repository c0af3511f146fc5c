import type { ExecutionStore } from "./execution-store";

/** A node in the flattened tree the list and the timeline show. */
export interface NodeRow {
  readonly id: string;
  readonly depth: number;
  readonly hasChildren: boolean;
}

/**
 * Every node execution, depth first, children under their parent; the children of `collapsed`
 * parents are left out. Proportional to the number of nodes, recomputed only when the set of
 * nodes changes.
 */
export function flattenRows(store: ExecutionStore, collapsed: ReadonlySet<string>): NodeRow[] {
  const rows: NodeRow[] = [];
  const visit = (parent: string, depth: number) => {
    for (const id of store.children.get(parent) ?? []) {
      const kids = store.children.get(id);
      rows.push({ id, depth, hasChildren: kids !== undefined && kids.length > 0 });
      if (kids !== undefined && !collapsed.has(id)) visit(id, depth + 1);
    }
  };
  visit("", 0);
  return rows;
}
