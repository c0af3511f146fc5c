import { fromBinary } from "@bufbuild/protobuf";
import { readBlobUri } from "@skein/blob";
import { LiteralSchema, WorkflowExecutionPhase } from "@skein/idl";
import { fromLiteral, literalTypeOf, map, t, task, toLiteral, workflow } from "@skein/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finished, launch, register, startControlPlane, startTestPropeller, type ControlPlane } from "./test-support/control-plane.js";
import { InProcessTaskPlugin } from "./test-support/in-process-plugin.js";

const double = task({ name: "double", inputs: { x: t.int() }, outputs: t.int() }, async ({ x }) => 2 * x);
const doubled = workflow({ name: "doubled", inputs: { xs: t.list(t.int()) }, outputs: t.list(t.int()) }, ({ xs }) => map(double)({ x: xs }));

let plane: ControlPlane;
// Admin keeps values above 1 KiB out of its messages (as it does a 10,000-item list at its default).
beforeAll(async () => { plane = await startControlPlane({ inlineDataMaxBytes: 1024 }); }, 120_000);
afterAll(() => plane.close());

describe("inputs admin offloads", () => {
  it("are read back from the blob store, so a large list is mapped over item by item", async () => {
    const tasks = await register(plane.client, { doubled }, "v1");
    const propeller = await startTestPropeller(plane, new InProcessTaskPlugin(tasks), { clusterId: "east" });
    try {
      const xs = Array.from({ length: 300 }, (_, i) => i);
      const name = await launch(plane.client, "doubled", "v1", { xs: toLiteral(xs, literalTypeOf(t.list(t.int()))) });
      const data = await plane.client.getExecutionData({ id: { project: "default", domain: "development", name } });
      expect(data.inputs?.literals.xs?.value.case).toBe("offloaded");
      const execution = await finished(plane.client, name, 120_000);
      const result = execution.closure?.result;
      expect(result?.case === "error" ? result.value.message : WorkflowExecutionPhase[execution.closure?.phase ?? 0]).toBe("SUCCEEDED");
      const outputs = await plane.client.getExecutionData({ id: execution.id });
      const output = Object.values(outputs.outputs?.literals ?? {})[0];
      if (output?.value.case !== "offloaded") throw new Error(`expected the 300 outputs offloaded, got ${output?.value.case}`);
      const values = fromBinary(LiteralSchema, await readBlobUri(output.value.value.uri));
      expect(fromLiteral(values, literalTypeOf(t.list(t.int())))).toEqual(xs.map((x) => BigInt(2 * x)));
    } finally {
      await propeller.close();
    }
  }, 180_000);
});
