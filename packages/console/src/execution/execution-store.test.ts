import { create } from "@bufbuild/protobuf";
import { NodeExecutionPhase, TaskExecutionPhase } from "@skein/idl";
import { NodeExecutionSchema, TaskExecutionSchema, WatchExecutionResponseSchema } from "@skein/idl/admin/v1";
import { describe, expect, it } from "vitest";
import { ExecutionStore } from "./execution-store";

const nodeExecution = (id: string, phase: NodeExecutionPhase, parent = "") =>
  create(NodeExecutionSchema, { id: { nodeId: id }, closure: { phase }, metadata: { parentNodeId: parent } });
const attempt = (nodeId: string, retryAttempt: number, phase: TaskExecutionPhase) =>
  create(TaskExecutionSchema, { id: { nodeExecutionId: { nodeId }, retryAttempt }, closure: { phase } });

describe("the execution store", () => {
  it("applies a snapshot's pages of nodes and attempts as it applies single changes", () => {
    const store = new ExecutionStore();
    store.apply(create(WatchExecutionResponseSchema, {
      update: { case: "nodeExecutions", value: { nodeExecutions: [nodeExecution("fan", NodeExecutionPhase.RUNNING), nodeExecution("fan-0", NodeExecutionPhase.RUNNING, "fan"), nodeExecution("fan-1", NodeExecutionPhase.QUEUED, "fan")] } },
    }));
    store.apply(create(WatchExecutionResponseSchema, {
      update: { case: "taskExecutions", value: { taskExecutions: [attempt("fan-0", 1, TaskExecutionPhase.RUNNING), attempt("fan-0", 0, TaskExecutionPhase.FAILED)] } },
    }));
    store.apply(create(WatchExecutionResponseSchema, { update: { case: "nodeExecution", value: nodeExecution("fan-1", NodeExecutionPhase.SUCCEEDED, "fan") } }));

    expect([...store.nodes.keys()]).toEqual(["fan", "fan-0", "fan-1"]);
    expect(store.children.get("fan")).toEqual(["fan-0", "fan-1"]);
    expect(store.nodes.get("fan-1")?.closure?.phase).toBe(NodeExecutionPhase.SUCCEEDED);
    expect(store.attempts.get("fan-0")?.map((t) => [t.id?.retryAttempt, t.closure?.phase])).toEqual([[0, TaskExecutionPhase.FAILED], [1, TaskExecutionPhase.RUNNING]]);
    // A node appearing changes the structure; a phase change alone does not.
    expect(store.structureVersion).toBe(3);
  });
});
