import { NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";
import type { TaskAttempt } from "@skein/plugin-core";
import { fromLiteral, t, task, toLiteral, workflow, literalTypeOf } from "@skein/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finished, launch, register, startControlPlane, startTestPropeller, type ControlPlane } from "./test-support/control-plane.js";
import { InProcessTaskPlugin } from "./test-support/in-process-plugin.js";

const greet = task({ name: "greet", inputs: { name: t.string() }, outputs: t.string() }, async ({ name }) => `Hello, ${name}!`);
const shout = task({ name: "shout", inputs: { text: t.string() }, outputs: t.string() }, async ({ text }) => text.toUpperCase());
const hello = workflow({ name: "hello", inputs: { name: t.string() }, outputs: t.string() }, ({ name }) => shout({ text: greet({ name }) }));

const str = (value: string) => toLiteral(value, literalTypeOf(t.string()));

let plane: ControlPlane;
beforeAll(async () => {
  plane = await startControlPlane();
});
afterAll(async () => {
  await plane.close();
});

describe("propeller", () => {
  it("runs an assigned execution end to end and reports every node to admin (from the outbox thread with PostgreSQL)", async () => {
    const tasks = await register(plane.client, { hello }, "v1");
    const plugin = new InProcessTaskPlugin(tasks);
    const propeller = await startTestPropeller(plane, plugin, { clusterId: "east", outboxThread: true });
    try {
      const name = await launch(plane.client, "hello", "v1", { name: str("Ada") });
      const execution = await finished(plane.client, name);
      expect(execution.closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
      expect(execution.closure?.cluster).toBe("east");
      const data = await plane.client.getExecutionData({ id: execution.id });
      const output = Object.values(data.outputs?.literals ?? {})[0];
      expect(output && fromLiteral(output, literalTypeOf(t.string()))).toBe("HELLO, ADA!");
      const { nodeExecutions } = await plane.client.listNodeExecutions({ executionId: execution.id });
      expect(nodeExecutions.map((n) => [n.id?.nodeId, n.closure?.phase]).sort()).toEqual([
        ["n0", NodeExecutionPhase.SUCCEEDED],
        ["n1", NodeExecutionPhase.SUCCEEDED],
      ]);
      expect([...plugin.starts.values()]).toEqual([1, 1]);
    } finally {
      await propeller.close();
    }
  });

  it("retries an attempt whose plugin create failed, as a system failure, instead of failing the execution", async () => {
    const tasks = await register(plane.client, { hello }, "v2");
    class FlakyCreate extends InProcessTaskPlugin {
      failures = 0;
      override create(attempt: TaskAttempt): Promise<{ key: string }> {
        if (this.failures === 0 && attempt.template.id?.name === "greet") {
          this.failures += 1;
          return Promise.reject(new Error("the bundle is half extracted"));
        }
        return super.create(attempt);
      }
    }
    const plugin = new FlakyCreate(tasks);
    const propeller = await startTestPropeller(plane, plugin, { clusterId: "flaky" });
    try {
      const name = await launch(plane.client, "hello", "v2", { name: str("Ada") });
      const execution = await finished(plane.client, name);
      expect(execution.closure?.phase).toBe(WorkflowExecutionPhase.SUCCEEDED);
      expect(plugin.failures).toBe(1);
      const { taskExecutions } = await plane.client.listTaskExecutions({ nodeExecutionId: { nodeId: "n0", executionId: execution.id }, limit: 10 });
      expect(taskExecutions.map((te) => [te.id?.retryAttempt, te.closure?.phase]).sort()).toEqual([
        [0, TaskExecutionPhase.RETRYABLE_FAILED],
        [1, TaskExecutionPhase.SUCCEEDED],
      ]);
    } finally {
      await propeller.close();
    }
  });
});
