import { TaskExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";
import { createInProcessQuotas, createRedisQuotas, type ResourceQuotaNeed, type TaskAttempt } from "@skein/plugin-core";
import { literalTypeOf, map, t, task, toLiteral, workflow, type TaskDefinition } from "@skein/sdk";
import { startTcpProxy, testEnvironment, uniqueSuffix, type TcpProxy } from "@skein/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finished, launch, register, startControlPlane, startTestPropeller, type ControlPlane } from "./test-support/control-plane.js";
import { InProcessTaskPlugin } from "./test-support/in-process-plugin.js";

// Attempts of "slow" count against one shared quota; the task itself records how many of them
// ran at once, over every propeller of the process.
const concurrency = { now: 0, max: 0 };
const slow = task({ name: "slow", inputs: { x: t.int() }, outputs: t.int() }, async ({ x }) => {
  concurrency.now += 1;
  concurrency.max = Math.max(concurrency.max, concurrency.now);
  await new Promise((resolve) => setTimeout(resolve, 150));
  concurrency.now -= 1;
  return x * 2;
});
const fanOut = workflow({ name: "quota_fan_out", inputs: { xs: t.list(t.int()) }, outputs: t.list(t.int()) }, ({ xs }) => map(slow)({ x: xs }));

/** The in-process plugin, asking for one token of `namespace` (limit 1) per attempt of "slow". */
class QuotaPlugin extends InProcessTaskPlugin {
  constructor(tasks: ReadonlyMap<string, TaskDefinition>, private readonly namespace: string) {
    super(tasks);
  }
  resourceQuota(attempt: TaskAttempt): ResourceQuotaNeed | undefined {
    return attempt.template.id?.name === "slow" ? { namespace: this.namespace, request: { quota: 1 } } : undefined;
  }
}

const ints = (xs: number[]) => toLiteral(xs, literalTypeOf(t.list(t.int())));
const redisUrl = testEnvironment().redisUrl;

let plane: ControlPlane;
let tasks: Map<string, TaskDefinition>;
beforeAll(async () => {
  plane = await startControlPlane();
  tasks = await register(plane.client, { fanOut }, "v1");
});
afterAll(async () => {
  await plane.close();
});

/** The attempts of the map's items as admin has them now: phase and reason. */
async function attempts(name: string): Promise<{ phase: TaskExecutionPhase; reason: string }[]> {
  const executionId = { project: "default", domain: "development", name };
  const { nodeExecutions } = await plane.client.listNodeExecutions({ executionId, parentNodeId: "n0", limit: 100 });
  const lists = await Promise.all(nodeExecutions.map((n) => plane.client.listTaskExecutions({ nodeExecutionId: n.id, limit: 10 })));
  return lists.flatMap((l) => l.taskExecutions.map((te) => ({ phase: te.closure?.phase ?? TaskExecutionPhase.UNSPECIFIED, reason: te.closure?.reason ?? "" })));
}

/** Polls the attempts until the execution ends; returns every waiting reason seen. */
async function waitingReasons(name: string): Promise<Set<string>> {
  const seen = new Set<string>();
  for (;;) {
    for (const a of await attempts(name)) if (a.phase === TaskExecutionPhase.WAITING_FOR_RESOURCES) seen.add(a.reason);
    const { execution } = await plane.client.getExecution({ id: { project: "default", domain: "development", name } });
    if (execution?.closure && execution.closure.phase >= WorkflowExecutionPhase.SUCCEEDED) return seen;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("plugin quotas", () => {
  it("hold a plugin's attempts to its quota; the waiting ones are reported WAITING_FOR_RESOURCES and every token is given back", async () => {
    const namespace = `warehouse-${uniqueSuffix()}`;
    const quotas = createInProcessQuotas();
    concurrency.max = 0;
    const propeller = await startTestPropeller(plane, new QuotaPlugin(tasks, namespace), { clusterId: "quota-local", workers: 8, quotas });
    try {
      const name = await launch(plane.client, "quota_fan_out", "v1", { xs: ints([1, 2, 3, 4]) });
      const reasons = await waitingReasons(name);
      expect((await finished(plane.client, name)).closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
      expect(concurrency.max).toBe(1);
      expect([...reasons]).toContain(`every slot of "${namespace}" is taken`);
      expect((await attempts(name)).map((a) => a.phase)).toEqual(Array(4).fill(TaskExecutionPhase.SUCCEEDED));
      expect(await quotas.used(namespace)).toBe(0);
    } finally {
      await propeller.close();
    }
  });

  it.runIf(redisUrl !== undefined)("through Redis hold attempts on two clusters to one quota", async () => {
    const namespace = `warehouse-${uniqueSuffix()}`;
    concurrency.max = 0;
    const plugin = new QuotaPlugin(tasks, namespace);
    const east = await startTestPropeller(plane, plugin, { clusterId: "quota-east", labels: "site=east", redisUrl: redisUrl as string });
    const west = await startTestPropeller(plane, plugin, { clusterId: "quota-west", labels: "site=west", redisUrl: redisUrl as string });
    try {
      const names = [
        await launch(plane.client, "quota_fan_out", "v1", { xs: ints([1, 2, 3]) }, { clusterLabel: "site=east" }),
        await launch(plane.client, "quota_fan_out", "v1", { xs: ints([4, 5, 6]) }, { clusterLabel: "site=west" }),
      ];
      const ended = await Promise.all(names.map((n) => finished(plane.client, n)));
      expect(ended.map((e) => [e.closure?.phase, e.closure?.cluster])).toEqual([
        [WorkflowExecutionPhase.SUCCEEDED, "quota-east"],
        [WorkflowExecutionPhase.SUCCEEDED, "quota-west"],
      ]);
      expect(concurrency.max).toBe(1);
      const redis = createRedisQuotas({ url: redisUrl as string });
      expect(await redis.used(namespace)).toBe(0);
      await redis.close();
    } finally {
      await east.close();
      await west.close();
    }
  });

  it.runIf(redisUrl !== undefined)("with Redis cut off, attempts wait (saying why) and run once it is back", async () => {
    const target = new URL(redisUrl as string);
    const proxy: TcpProxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    proxy.cut();
    const namespace = `warehouse-${uniqueSuffix()}`;
    const propeller = await startTestPropeller(plane, new QuotaPlugin(tasks, namespace), { clusterId: "quota-cut", redisUrl: `redis://127.0.0.1:${proxy.port}` });
    try {
      const name = await launch(plane.client, "quota_fan_out", "v1", { xs: ints([1, 2]) });
      // Both attempts say they wait for the quota store, and the execution is still running.
      const unreachable = (a: { phase: TaskExecutionPhase; reason: string }) => a.phase === TaskExecutionPhase.WAITING_FOR_RESOURCES && a.reason.includes("the quota store cannot be reached");
      for (let i = 0; i < 300; i++) {
        const now = await attempts(name);
        if (now.length === 2 && now.every(unreachable)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await attempts(name)).map(unreachable)).toEqual([true, true]);
      const { execution } = await plane.client.getExecution({ id: { project: "default", domain: "development", name } });
      expect(execution?.closure?.phase).toBe(WorkflowExecutionPhase.RUNNING);
      proxy.restore();
      expect((await finished(plane.client, name, 60_000)).closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
    } finally {
      await propeller.close();
      await proxy.close();
    }
  });

  it("end the execution, naming the problem, when a plugin asks for a malformed quota", async () => {
    const propeller = await startTestPropeller(plane, new QuotaPlugin(tasks, "bad space"), { clusterId: "quota-bad" });
    try {
      const name = await launch(plane.client, "quota_fan_out", "v1", { xs: ints([1]) });
      const closure = (await finished(plane.client, name)).closure;
      expect(closure?.phase).toBe(WorkflowExecutionPhase.ABORTED);
      const result = closure?.result;
      const why = [closure?.reason ?? "", result?.case === "error" ? result.value.message : ""].join(" ");
      expect(why).toContain('plugin asked for a malformed quota: cannot allocate token');
      expect(why).toContain('namespace "bad space" must not contain braces or whitespace');
    } finally {
      await propeller.close();
    }
  });
});
