import { create } from "@bufbuild/protobuf";
import { ConnectionSet_IdListSchema, ConnectionSetSchema, type ConnectionSet, type ConnectionSet_IdList } from "@skein/idl";
import { END_NODE, START_NODE, sortedIds } from "./names.js";

// The dependency graph of one workflow. Every node waits for start-node when it depends on
// nothing else, and end-node waits for every node nothing else waits for (plus the nodes the
// workflow outputs read), so the workflow ends only when all its nodes have. All passes are
// linear in nodes plus edges (plus the sort of each id list).

export interface GraphInput {
  /** The workflow's nodes, in template order. */
  readonly nodeIds: readonly string[];
  /** For each node, the nodes (or start-node) it depends on. */
  readonly deps: ReadonlyMap<string, ReadonlySet<string>>;
  /** The nodes the workflow outputs read. */
  readonly outputDeps: ReadonlySet<string>;
}

export interface GraphAnalysis {
  readonly connections: ConnectionSet;
  /** Each cycle as a path in data-flow order, starting at its smallest id (`a, b` for a->b->a). */
  readonly cycles: readonly (readonly string[])[];
  /** Nodes off every cycle that still cannot run, each with an upstream node that cannot run. */
  readonly blocked: ReadonlyMap<string, string>;
  /** True when the node (or start-node) can run. */
  canRun(id: string): boolean;
}

export function analyzeGraph(input: GraphInput): GraphAnalysis {
  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>();
  const link = (from: string, to: string): void => {
    const list = downstream.get(from);
    if (list) list.push(to);
    else downstream.set(from, [to]);
  };
  for (const id of input.nodeIds) {
    const deps = input.deps.get(id);
    const ups = deps && deps.size > 0 ? sortedIds(deps) : [START_NODE];
    upstream.set(id, ups);
    for (const up of ups) link(up, id);
  }
  const ends = new Set(input.outputDeps);
  for (const id of input.nodeIds) if (!downstream.has(id)) ends.add(id);
  if (ends.size === 0) ends.add(START_NODE);
  const endUps = sortedIds(ends);
  upstream.set(END_NODE, endUps);
  const userDown = (id: string): readonly string[] => downstream.get(id) ?? [];
  const cycles = findCycles(input.nodeIds, userDown);
  for (const up of endUps) link(up, END_NODE);

  const runnable = runnableNodes(input.nodeIds, upstream, userDown);
  const onCycle = new Set(cycles.flat());
  const blocked = new Map<string, string>();
  for (const id of input.nodeIds) {
    if (runnable.has(id) || onCycle.has(id)) continue;
    const reason = (upstream.get(id) ?? []).find((up) => !runnable.has(up));
    if (reason !== undefined) blocked.set(id, reason);
  }
  return { connections: connectionSet(upstream, downstream), cycles, blocked, canRun: (id) => runnable.has(id) };
}

function connectionSet(upstream: ReadonlyMap<string, string[]>, downstream: ReadonlyMap<string, string[]>): ConnectionSet {
  // Assigned after creation: the lists are messages already, and converting them again is costly.
  const set = create(ConnectionSetSchema);
  set.upstream = idLists(upstream);
  set.downstream = idLists(downstream);
  return set;
}

// Keys are inserted in sorted order and every list is sorted, so equal graphs serialize equally.
function idLists(map: ReadonlyMap<string, string[]>): Record<string, ConnectionSet_IdList> {
  const out: Record<string, ConnectionSet_IdList> = {};
  for (const key of sortedIds(map.keys())) {
    out[key] = create(ConnectionSet_IdListSchema, { ids: sortedIds(map.get(key) ?? []) });
  }
  return out;
}

// Kahn's algorithm from start-node: a node can run once every node it depends on can.
function runnableNodes(ids: readonly string[], upstream: ReadonlyMap<string, string[]>, down: (id: string) => readonly string[]): Set<string> {
  const pending = new Map<string, number>();
  const ready: string[] = [];
  for (const id of ids) {
    const count = (upstream.get(id) ?? []).filter((up) => up !== START_NODE).length;
    pending.set(id, count);
    if (count === 0) ready.push(id);
  }
  const runnable = new Set<string>([START_NODE]);
  while (ready.length > 0) {
    const id = ready.pop() ?? "";
    runnable.add(id);
    for (const next of down(id)) {
      if (!pending.has(next)) continue;
      const left = (pending.get(next) ?? 0) - 1;
      pending.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return runnable;
}

// Tarjan's strongly connected components, iteratively (deep chains must not overflow the stack).
function findCycles(ids: readonly string[], down: (id: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (id: string, work: [string, number][]): void => {
    index.set(id, counter);
    low.set(id, counter++);
    stack.push(id);
    onStack.add(id);
    work.push([id, 0]);
  };
  for (const root of ids) {
    if (index.has(root)) continue;
    const work: [string, number][] = [];
    visit(root, work);
    while (work.length > 0) {
      const frame = work[work.length - 1] as [string, number];
      const [v, i] = frame;
      const edges = down(v);
      if (i < edges.length) {
        frame[1] = i + 1;
        const w = edges[i] as string;
        if (!index.has(w)) visit(w, work);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0]) ?? 0, low.get(v) ?? 0));
      if (low.get(v) !== index.get(v)) continue;
      const component = new Set<string>();
      for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
        onStack.delete(w);
        component.add(w);
        if (w === v) break;
      }
      if (component.size > 1 || down(v).includes(v)) cycles.push(cyclePath(component, down));
    }
  }
  return cycles;
}

// A concrete cycle through the component's smallest id, found by breadth-first search.
function cyclePath(component: ReadonlySet<string>, down: (id: string) => readonly string[]): string[] {
  const start = sortedIds(component)[0] ?? "";
  const parent = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] ?? "";
    for (const w of down(v)) {
      if (w === start) {
        const path = [v];
        for (let p = parent.get(v); p !== undefined; p = parent.get(p)) path.push(p);
        return path.reverse();
      }
      if (component.has(w) && !parent.has(w) && w !== start) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
