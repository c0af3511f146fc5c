import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema, NodeExecutionPhase } from "@skein/idl";
import { NodeExecutionSchema, WatchExecutionResponseSchema } from "@skein/idl/admin/v1";
import { describe, expect, it } from "vitest";
import { ExecutionStore } from "../execution/execution-store";
import { flattenRows } from "../execution/node-rows";
import { buildGraph, childSummary, maxDrawnChildren } from "./graph-model";
import { layoutGraph } from "./layout";

const closure = create(CompiledWorkflowClosureSchema, {
  primary: {
    template: {
      nodes: [
        { id: "prep", target: { case: "taskNode", value: { reference: { case: "referenceId", value: { name: "prep" } } } } },
        { id: "fan", upstreamNodeIds: ["prep"], target: { case: "arrayNode", value: { node: { id: "inner" } } } },
        { id: "report", upstreamNodeIds: ["fan", "prep"], target: { case: "gateNode", value: { condition: { case: "approve", value: { signalId: "ok" } } } } },
      ],
    },
  },
});

function node(id: string, phase: NodeExecutionPhase, parent = "", facts: { isParent?: boolean; isArray?: boolean } = {}) {
  return create(WatchExecutionResponseSchema, {
    update: { case: "nodeExecution", value: create(NodeExecutionSchema, { id: { nodeId: id }, closure: { phase }, metadata: { parentNodeId: parent, specNodeId: parent === "" ? id : parent, ...facts } }) },
  });
}

function storeWithMap(children: number): ExecutionStore {
  const store = new ExecutionStore();
  store.apply(node("prep", NodeExecutionPhase.SUCCEEDED));
  store.apply(node("fan", NodeExecutionPhase.RUNNING, "", { isParent: true, isArray: true }));
  for (let i = 0; i < children; i++) store.apply(node(`fan-${i}`, i % 4 === 0 ? NodeExecutionPhase.FAILED : NodeExecutionPhase.SUCCEEDED, "fan"));
  return store;
}

describe("the execution graph", () => {
  it("draws the template's nodes and dependencies, a map collapsed until expanded", () => {
    const store = storeWithMap(10);
    const collapsed = buildGraph(closure, store, new Set());
    expect(collapsed.nodes.map((n) => [n.id, n.kind, n.expandable])).toEqual([["prep", "task", false], ["fan", "map", true], ["report", "gate", false]]);
    expect(collapsed.edges).toEqual([{ from: "prep", to: "fan" }, { from: "fan", to: "report" }, { from: "prep", to: "report" }]);
    expect(childSummary(store, "fan")).toMatchObject({ succeeded: 7, failed: 3, running: 0 });
    const expanded = buildGraph(closure, store, new Set(["fan"]));
    expect(expanded.nodes.filter((n) => n.parent === "fan")).toHaveLength(10);
  });

  it("finds dependencies in input bindings and the compiler's connections, not only upstream_node_ids", () => {
    const wired = create(CompiledWorkflowClosureSchema, {
      primary: {
        template: {
          nodes: [
            { id: "a" },
            { id: "b", inputs: [{ var: "x", binding: { value: { case: "collection", value: { bindings: [{ value: { case: "promise", value: { nodeId: "a", var: "o0" } } }] } } } }] },
            { id: "c", inputs: [{ var: "y", binding: { value: { case: "promise", value: { nodeId: "start-node", var: "y" } } } }] },
          ],
        },
        connections: { upstream: { c: { ids: ["b"] } } },
      },
    });
    expect(buildGraph(wired, undefined, new Set()).edges).toEqual([{ from: "a", to: "b" }, { from: "b", to: "c" }]);
  });

  it("draws at most a bounded number of a huge map's children and counts the rest", () => {
    const store = storeWithMap(10_000);
    const model = buildGraph(closure, store, new Set(["fan"]));
    expect(model.nodes.filter((n) => n.parent === "fan")).toHaveLength(maxDrawnChildren);
    expect(model.hidden.get("fan")).toBe(10_000 - maxDrawnChildren);
    const layout = layoutGraph(model);
    const fan = layout.boxes.get("fan");
    expect(fan?.container).toBe(true);
    // Every child sits inside its container, and the container after its upstream node.
    for (const child of model.nodes.filter((n) => n.parent === "fan")) {
      const box = layout.boxes.get(child.id);
      expect(box !== undefined && fan !== undefined && box.x >= fan.x && box.x + box.width <= fan.x + fan.width && box.y >= fan.y && box.y + box.height <= fan.y + fan.height).toBe(true);
    }
    expect((layout.boxes.get("prep")?.x ?? 0) < (fan?.x ?? 0)).toBe(true);
  });

  it("wires an expanded dynamic node's children by the workflow it generated, nested sub-workflows included", () => {
    const top = create(CompiledWorkflowClosureSchema, {
      primary: { template: { nodes: [{ id: "dyn", target: { case: "taskNode", value: { reference: { case: "referenceId", value: { name: "gen" } } } } }] } },
    });
    const promise = (nodeId: string) => ({ var: "x", binding: { value: { case: "promise" as const, value: { nodeId, var: "o0" } } } });
    const innerId = { project: "p", domain: "d", name: "inner", version: "v1" };
    // dn1 reads dn0's output, dn2 follows dn1 by the compiled connections, dn3 runs `inner`.
    const generated = create(CompiledWorkflowClosureSchema, {
      primary: {
        template: {
          nodes: [
            { id: "dn0", inputs: [promise("start-node")] },
            { id: "dn1", inputs: [promise("dn0")] },
            { id: "dn2" },
            { id: "dn3", upstreamNodeIds: ["dn0"], target: { case: "workflowNode", value: { reference: { case: "subWorkflowRef", value: innerId } } } },
          ],
        },
        connections: { upstream: { dn2: { ids: ["dn1"] } } },
      },
      subWorkflows: [{ template: { id: innerId, nodes: [{ id: "s0" }, { id: "s1", inputs: [promise("s0")] }] } }],
    });
    const store = new ExecutionStore();
    const child = (id: string, parent: string, specNodeId: string, facts: { isParent?: boolean; isDynamic?: boolean } = {}) =>
      create(WatchExecutionResponseSchema, {
        update: { case: "nodeExecution", value: create(NodeExecutionSchema, { id: { nodeId: id }, closure: { phase: NodeExecutionPhase.RUNNING }, metadata: { parentNodeId: parent, specNodeId, ...facts } }) },
      });
    store.apply(child("dyn", "", "dyn", { isParent: true, isDynamic: true }));
    for (const id of ["dn0", "dn1", "dn2"]) store.apply(child(`dyn-${id}`, "dyn", id));
    store.apply(child("dyn-dn3", "dyn", "dn3", { isParent: true }));
    store.apply(child("dyn-dn3-s0", "dyn-dn3", "s0"));
    store.apply(child("dyn-dn3-s1", "dyn-dn3", "s1"));

    const model = buildGraph(top, store, new Set(["dyn", "dyn-dn3"]), new Map([["dyn", generated]]));
    expect(model.nodes.find((n) => n.id === "dyn")?.kind).toBe("dynamic");
    expect(model.nodes.filter((n) => n.parent === "dyn").map((n) => [n.id, n.kind])).toEqual([["dyn-dn0", "node"], ["dyn-dn1", "node"], ["dyn-dn2", "node"], ["dyn-dn3", "subworkflow"]]);
    expect(model.edges).toEqual([
      { from: "dyn-dn3-s0", to: "dyn-dn3-s1" },
      { from: "dyn-dn0", to: "dyn-dn1" },
      { from: "dyn-dn1", to: "dyn-dn2" },
      { from: "dyn-dn0", to: "dyn-dn3" },
    ]);
    // Until the generated workflow is known the children are drawn unwired.
    expect(buildGraph(top, store, new Set(["dyn"])).edges).toEqual([]);
  });

  it("lists every node depth first, children under their parent, minus collapsed subtrees", () => {
    const store = storeWithMap(3);
    expect(flattenRows(store, new Set()).map((r) => `${r.depth}:${r.id}`)).toEqual(["0:prep", "0:fan", "1:fan-0", "1:fan-1", "1:fan-2"]);
    expect(flattenRows(store, new Set(["fan"])).map((r) => r.id)).toEqual(["prep", "fan"]);
    // A repeated update replaces the node; it does not add a row.
    store.apply(node("fan-1", NodeExecutionPhase.FAILED, "fan"));
    expect(flattenRows(store, new Set())).toHaveLength(5);
    expect(store.nodes.get("fan-1")?.closure?.phase).toBe(NodeExecutionPhase.FAILED);
  });
});
