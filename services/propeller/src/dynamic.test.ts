import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FileBlobStore } from "@skein/blob";
import { NodeExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";
import { ProcessPlugin } from "@skein/plugin-process";
import { codeBundle, fromLiteral, literalTypeOf, t, toLiteral } from "@skein/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finished, launch, register, startControlPlane, startTestPropeller, type ControlPlane } from "./test-support/control-plane.js";

// Dynamic tasks on a cluster: the fixture module is registered as a real code bundle and runs in
// task processes of the process plugin, as `skein register` and a production propeller do.

const MODULE = "dynamic-fixture.mjs";
const fixture = new URL("./test-support/dynamic-fixture.mjs", import.meta.url);
const int = (n: number) => toLiteral(n, literalTypeOf(t.int()));
const id = (name: string) => ({ project: "default", domain: "development", name });

let plane: ControlPlane;
let plugin: ProcessPlugin;
let propeller: Awaited<ReturnType<typeof startTestPropeller>>;

beforeAll(async () => {
  plane = await startControlPlane();
  const source = await readFile(fixture);
  const manifest = new TextEncoder().encode(`${JSON.stringify({ format: 1, modules: [MODULE] })}\n`);
  const bundle = codeBundle([{ path: MODULE, content: source }, { path: "skein-bundle.json", content: manifest }]);
  const bundleUri = await new FileBlobStore(join(plane.dataDir, "code")).put(`${bundle.sha256}.tar.gz`, bundle.content);
  await register(plane.client, (await import(fixture.href)) as Record<string, unknown>, "v1", { bundleUri, module: MODULE });
  plugin = new ProcessPlugin({ workDir: join(plane.dataDir, "process-plugin") });
  propeller = await startTestPropeller(plane, plugin, { clusterId: "dynamic" });
});

afterAll(async () => {
  await propeller.close();
  await plugin.close();
  await plane.close();
});

async function nodes(execution: string, parent = "") {
  return (await plane.client.listNodeExecutions({ executionId: id(execution), parentNodeId: parent })).nodeExecutions;
}

describe("dynamic tasks on a cluster", () => {
  it("runs the generated nodes as children of the dynamic node and ends with the graph's outputs", async () => {
    const name = await launch(plane.client, "dyn", "v1", { n: int(5) });
    const execution = await finished(plane.client, name);
    expect(execution.closure?.result.case === "error" ? execution.closure.result.value.message : undefined).toBeUndefined();
    expect(execution.closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
    const data = await plane.client.getExecutionData({ id: id(name) });
    const output = data.outputs?.literals.o0;
    // double(5) + double(6)
    expect(output && fromLiteral(output, literalTypeOf(t.int()))).toBe(22n);

    const [dynamicNode, ...others] = await nodes(name);
    expect(others).toEqual([]);
    expect(dynamicNode?.id?.nodeId).toBe("n0");
    expect(dynamicNode?.closure?.phase).toBe(NodeExecutionPhase.SUCCEEDED);
    expect(dynamicNode?.metadata).toMatchObject({ isDynamic: true, isParent: true });

    const children = await nodes(name, "n0");
    const bySpecId = new Map(children.map((n) => [n.metadata?.specNodeId, n]));
    expect([...bySpecId.keys()].sort()).toEqual(["dn0", "dn1", "dn2"]);
    for (const child of children) {
      expect(child.metadata?.parentNodeId).toBe("n0");
      expect(child.closure?.phase).toBe(NodeExecutionPhase.SUCCEEDED);
      // Each generated node ran its own attempt.
      const { taskExecutions } = await plane.client.listTaskExecutions({ nodeExecutionId: { nodeId: child.id?.nodeId ?? "", executionId: id(name) } });
      expect(taskExecutions).toHaveLength(1);
      expect(taskExecutions[0]?.id?.taskId).toMatchObject({ project: "default", domain: "development", version: "v1" });
    }
    const sum = await plane.client.getNodeExecutionData({ id: { nodeId: bySpecId.get("dn2")?.id?.nodeId ?? "", executionId: id(name) } });
    const summed = sum.outputs?.literals.o0;
    expect(summed && fromLiteral(summed, literalTypeOf(t.int()))).toBe(22n);

    // The dynamic node's data carries the workflow it generated: add fed by both doubles.
    const { dynamicWorkflow } = await plane.client.getNodeExecutionData({ id: { nodeId: "n0", executionId: id(name) } });
    const generated = dynamicWorkflow?.compiledWorkflow?.primary;
    expect(generated?.template?.nodes.map((n) => n.id).filter((n) => n.startsWith("dn")).sort()).toEqual(["dn0", "dn1", "dn2"]);
    expect([...(generated?.connections?.upstream.dn2?.ids ?? [])].sort()).toEqual(["dn0", "dn1"]);
    expect(dynamicWorkflow?.compiledWorkflow?.tasks.map((task) => task.template?.id?.name).sort()).toEqual(["add", "double"]);
  });

  it("fails the dynamic node, naming the task, when its graph calls a task the cluster cannot find", async () => {
    const name = await launch(plane.client, "bad_dyn", "v1", { x: int(1) });
    const execution = await finished(plane.client, name);
    expect(execution.closure?.phase).toBe(WorkflowExecutionPhase.FAILED);
    const [node] = await nodes(name);
    expect(node?.closure?.phase).toBe(NodeExecutionPhase.FAILED);
    const error = node?.closure?.result.case === "error" ? node.closure.result.value : undefined;
    expect(error?.message).toContain(`dynamic task "calls_hidden" calls task "hidden", which module "${MODULE}" does not export`);
    // Failed for good: no retries, and no generated node started.
    const { taskExecutions } = await plane.client.listTaskExecutions({ nodeExecutionId: { nodeId: "n0", executionId: id(name) } });
    expect(taskExecutions).toHaveLength(1);
    expect(await nodes(name, "n0")).toEqual([]);
  });
});
