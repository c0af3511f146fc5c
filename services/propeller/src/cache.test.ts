import { CatalogCacheStatus, WorkflowExecutionPhase } from "@skein/idl";
import { literalTypeOf, t, task, toLiteral, workflow } from "@skein/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finished, launch, register, startControlPlane, startTestPropeller, type ControlPlane } from "./test-support/control-plane.js";
import { InProcessTaskPlugin } from "./test-support/in-process-plugin.js";

const square = task({ name: "square", inputs: { x: t.int() }, outputs: t.int(), cache: { version: "1" } }, async ({ x }) => x * x);
const plusOne = task({ name: "plus_one", inputs: { x: t.int() }, outputs: t.int() }, async ({ x }) => x + 1);
const calc = workflow({ name: "calc", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => plusOne({ x: square({ x }) }));

// Serialized: executions racing on one key run it once, the others wait and reuse the result.
const expensive = task({ name: "expensive", inputs: { x: t.int() }, outputs: t.int(), cache: { version: "1", serialize: true } }, async ({ x }) => {
  await new Promise((r) => setTimeout(r, 300));
  return x * 3;
});
const race = workflow({ name: "race", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => expensive({ x }));

const int = (n: number) => toLiteral(n, literalTypeOf(t.int()));

let plane: ControlPlane;
beforeAll(async () => {
  plane = await startControlPlane();
});
afterAll(async () => {
  await plane.close();
});

async function cacheStatus(name: string, nodeId: string): Promise<CatalogCacheStatus | undefined> {
  const { nodeExecutions } = await plane.client.listNodeExecutions({ executionId: { project: "default", domain: "development", name } });
  const node = nodeExecutions.find((n) => n.id?.nodeId === nodeId);
  const meta = node?.closure?.targetMetadata;
  return meta?.case === "taskNodeInfo" ? meta.value.cacheStatus : undefined;
}

describe("cached task outputs through datacatalog", () => {
  it("misses, then hits on the same inputs, also from another workflow version; other inputs miss", async () => {
    const tasks = new Map([...(await register(plane.client, { calc }, "v1")), ...(await register(plane.client, { calc }, "v2"))]);
    const plugin = new InProcessTaskPlugin(tasks);
    const propeller = await startTestPropeller(plane, plugin, { clusterId: "cache-a", workDir: `${plane.dataDir}/cache-a` });
    try {
      const one = await launch(plane.client, "calc", "v1", { x: int(4) });
      expect((await finished(plane.client, one)).closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
      expect(await cacheStatus(one, "n0")).toBe(CatalogCacheStatus.POPULATED);
      const two = await launch(plane.client, "calc", "v2", { x: int(4) });
      expect((await finished(plane.client, two)).closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
      expect(await cacheStatus(two, "n0")).toBe(CatalogCacheStatus.HIT);
      expect(plugin.starts.has(`${two}/n0#0`)).toBe(false);
      expect(plugin.starts.has(`${two}/n1#0`)).toBe(true);
      const three = await launch(plane.client, "calc", "v2", { x: int(5) });
      await finished(plane.client, three);
      expect(await cacheStatus(three, "n0")).toBe(CatalogCacheStatus.POPULATED);
      const data = await plane.client.getExecutionData({ id: { project: "default", domain: "development", name: two } });
      expect(Object.values(data.outputs?.literals ?? {})).toHaveLength(1);
    } finally {
      await propeller.close();
    }
  });

  it("two executions racing on one serialized key run the task once", async () => {
    const tasks = await register(plane.client, { race }, "v1");
    const plugin = new InProcessTaskPlugin(tasks);
    const propeller = await startTestPropeller(plane, plugin, { clusterId: "cache-b", workDir: `${plane.dataDir}/cache-b` });
    try {
      const [a, b] = await Promise.all([launch(plane.client, "race", "v1", { x: int(7) }), launch(plane.client, "race", "v1", { x: int(7) })]);
      expect((await finished(plane.client, a)).closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
      expect((await finished(plane.client, b)).closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
      const ran = [...plugin.starts.keys()].filter((k) => k.startsWith(`${a}/`) || k.startsWith(`${b}/`));
      expect(ran).toHaveLength(1);
      const statuses = [await cacheStatus(a, "n0"), await cacheStatus(b, "n0")].sort();
      expect(statuses).toEqual([CatalogCacheStatus.HIT, CatalogCacheStatus.POPULATED].sort());
    } finally {
      await propeller.close();
    }
  });
});
