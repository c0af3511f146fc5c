import { NodeExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";
import { fromLiteral, literalTypeOf, t, task, toLiteral, workflow } from "@skein/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finished, launch, propellerDatabase, register, startControlPlane, startTestPropeller, type ControlPlane } from "./test-support/control-plane.js";
import { InProcessTaskPlugin } from "./test-support/in-process-plugin.js";

// Tasks that wait for the test to let them finish, so a replica or cluster can be stopped while
// they run.
const held = new Map<string, () => void>();
const gate = (key: string) => new Promise<void>((resolve) => held.set(key, resolve));
const open = async (key: string) => {
  for (let i = 0; i < 400 && !held.has(key); i++) await new Promise((r) => setTimeout(r, 25));
  const release = held.get(key);
  if (release === undefined) throw new Error(`nothing waits on ${key}`);
  held.delete(key);
  release();
};

const first = task({ name: "first", inputs: { x: t.int() }, outputs: t.int() }, async ({ x }) => x + 1);
const slow = task({ name: "slow", inputs: { x: t.int(), key: t.string() }, outputs: t.int() }, async ({ x, key }) => {
  await gate(key);
  return x * 10;
});
const last = task({ name: "last", inputs: { x: t.int() }, outputs: t.int() }, async ({ x }) => x + 2);
const pipeline = workflow({ name: "pipeline", inputs: { x: t.int(), key: t.string() }, outputs: t.int() }, ({ x, key }) => last({ x: slow({ x: first({ x }), key }) }));

const int = (n: number) => toLiteral(n, literalTypeOf(t.int()));
const str = (s: string) => toLiteral(s, literalTypeOf(t.string()));
const readInt = async (plane: ControlPlane, name: string) => {
  const data = await plane.client.getExecutionData({ id: { project: "default", domain: "development", name } });
  const out = Object.values(data.outputs?.literals ?? {})[0];
  return out === undefined ? undefined : Number(fromLiteral(out, literalTypeOf(t.int())));
};

let plane: ControlPlane;
let tasks: Awaited<ReturnType<typeof register>>;
beforeAll(async () => {
  plane = await startControlPlane();
  tasks = await register(plane.client, { pipeline }, "v1");
});
afterAll(async () => {
  await plane.close();
});

describe("recovery", () => {
  it("a replica that stops mid-run is replaced by another on the same rows; no finished attempt runs again", async () => {
    const db = await propellerDatabase();
    const plugin = new InProcessTaskPlugin(tasks);
    const options = { clusterId: "solo", ...(db.url !== undefined ? { databaseUrl: db.url } : {}), workDir: `${plane.dataDir}/solo` };
    const one = await startTestPropeller(plane, plugin, options);
    const name = await launch(plane.client, "pipeline", "v1", { x: int(1), key: str("replica") });
    // `slow` is running under the first replica when it goes away.
    for (let i = 0; i < 400 && !held.has("replica"); i++) await new Promise((r) => setTimeout(r, 25));
    await one.close();
    const two = await startTestPropeller(plane, plugin, options);
    try {
      await open("replica");
      const execution = await finished(plane.client, name);
      expect(execution.closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
      expect(await readInt(plane, name)).toBe(22);
      // Each node's one attempt started once, although two replicas drove the execution.
      expect([...plugin.starts.entries()].filter(([k]) => k.startsWith(`${name}/`)).map(([, n]) => n)).toEqual([1, 1, 1]);
    } finally {
      await two.close();
      await db.destroy();
    }
  });

  it("when a cluster goes silent for good, its execution finishes on the other, reusing finished nodes", async () => {
    const westPlugin = new InProcessTaskPlugin(tasks);
    const eastPlugin = new InProcessTaskPlugin(tasks);
    const west = await startTestPropeller(plane, westPlugin, { clusterId: "west", labels: "zone=w", workDir: `${plane.dataDir}/west` });
    const name = await launch(plane.client, "pipeline", "v1", { x: int(2), key: str("cluster") }, { clusterLabel: "zone=w" });
    for (let i = 0; i < 400 && !held.has("cluster"); i++) await new Promise((r) => setTimeout(r, 25));
    // The task runs before its first events reach admin: wait until admin knows where it runs.
    let before = await plane.client.getExecution({ id: { project: "default", domain: "development", name } });
    for (let i = 0; i < 400 && before.execution?.closure?.cluster === ""; i++) {
      await new Promise((r) => setTimeout(r, 25));
      before = await plane.client.getExecution({ id: { project: "default", domain: "development", name } });
    }
    expect(before.execution?.closure?.cluster).toBe("west");
    // Only what reached admin can be reused elsewhere: wait until `first`'s success has.
    for (let i = 0; i < 400; i++) {
      const { nodeExecutions } = await plane.client.listNodeExecutions({ executionId: before.execution?.id });
      if (nodeExecutions.find((n) => n.id?.nodeId === "n0")?.closure?.phase === NodeExecutionPhase.SUCCEEDED) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    // West dies: no more heartbeats, its task's result never arrives.
    await west.close();
    held.delete("cluster");
    // The router moves the work to another cluster that matches its label once west is silent.
    const east = await startTestPropeller(plane, eastPlugin, { clusterId: "east-two", labels: "zone=w", workDir: `${plane.dataDir}/east-two` });
    try {
      await open("cluster");
      const execution = await finished(plane.client, name);
      expect(execution.closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
      expect(execution.closure?.cluster).toBe("east-two");
      expect(execution.closure?.assignmentEpoch).toBe(2n);
      expect(await readInt(plane, name)).toBe(32);
      // `first` finished on west and was reused on east, not run again.
      const eastRuns = [...eastPlugin.starts.keys()].filter((k) => k.startsWith(`${name}/`));
      expect(eastRuns.sort()).toEqual([`${name}/n1#0`, `${name}/n2#0`]);
      const { nodeExecutions } = await plane.client.listNodeExecutions({ executionId: execution.id });
      expect(nodeExecutions.find((n) => n.id?.nodeId === "n0")?.closure?.phase).toBe(NodeExecutionPhase.SUCCEEDED);
    } finally {
      await east.close();
    }
  });

  it("terminating an execution stops its running task and ends it ABORTED", async () => {
    const plugin = new InProcessTaskPlugin(tasks);
    const propeller = await startTestPropeller(plane, plugin, { clusterId: "stopper", labels: "role=stop", workDir: `${plane.dataDir}/stopper` });
    try {
      const name = await launch(plane.client, "pipeline", "v1", { x: int(3), key: str("terminate") }, { clusterLabel: "role=stop" });
      for (let i = 0; i < 400 && !held.has("terminate"); i++) await new Promise((r) => setTimeout(r, 25));
      await plane.client.terminateExecution({ id: { project: "default", domain: "development", name }, cause: "enough" });
      const execution = await finished(plane.client, name);
      expect(execution.closure?.phase).toBe(WorkflowExecutionPhase.ABORTED);
      expect(plugin.deleted).toContain(`${name}/n1#0`);
      held.delete("terminate");
    } finally {
      await propeller.close();
    }
  });
});
