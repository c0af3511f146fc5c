import { create } from "@bufbuild/protobuf";
import { ResourceType, TaskTemplateSchema, type Identifier } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { ExecutionStore } from "../execution/execution-store";
import { buildGraph } from "./graph-model";
import { singleTaskClosure, singleTaskOf } from "./single-task";

const id = (name: string, resourceType: ResourceType): Identifier => ({ $typeName: "skein.core.v1.Identifier", resourceType, project: "default", domain: "development", name, version: "v1" });

describe("a single-task execution's workflow", () => {
  it("stands for its task, and a registered workflow for nothing else", () => {
    expect(singleTaskOf(id(".skeingen.say_hello", ResourceType.WORKFLOW))).toEqual(id("say_hello", ResourceType.TASK));
    expect(singleTaskOf(id("wf", ResourceType.WORKFLOW))).toBeUndefined();
  });

  it("is drawn from the task as its one node", () => {
    const task = create(TaskTemplateSchema, { id: id("say_hello", ResourceType.TASK), type: "skein-ts" });
    const graph = buildGraph(singleTaskClosure(id(".skeingen.say_hello", ResourceType.WORKFLOW), task), new ExecutionStore(), new Set());
    expect(graph.nodes.map((n) => [n.id, n.kind])).toEqual([["n0", "task"]]);
    expect(graph.edges).toEqual([]);
  });
});
