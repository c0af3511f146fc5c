import { SimpleType } from "@skein/idl";
import { durationMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { DefinitionError } from "../definition-error.js";
import { double, notify } from "../test-support/sample-tasks.js";
import { simpleType } from "../types/literal-types.js";
import { t } from "../types/t.js";
import { approve, sleep, waitForSignal } from "./gates.js";
import { workflow } from "./workflow.js";

describe("gates", () => {
  it("builds approve, signal and sleep gates; a signal's value feeds other nodes", () => {
    const wf = workflow({ name: "gated", inputs: { x: t.int() }, outputs: t.int() }, ({ x }) => {
      const first = double({ x });
      const ok = approve("deploy", { after: first, timeout: "1d" });
      const n = waitForSignal("count", t.int());
      sleep("5m").after(ok);
      return double({ x: n });
    });
    const [, approveNode, signalNode, sleepNode] = wf.template.nodes;
    expect(approveNode?.target).toMatchObject({ case: "gateNode", value: { condition: { case: "approve", value: { signalId: "deploy" } } } });
    expect(approveNode?.upstreamNodeIds).toEqual(["n0"]);
    expect(approveNode?.metadata?.timeout && durationMs(approveNode.metadata.timeout)).toBe(86_400_000);
    expect(signalNode?.target).toMatchObject({ case: "gateNode", value: { condition: { case: "signal", value: { signalId: "count", type: simpleType(SimpleType.INTEGER), outputVariableName: "o0" } } } });
    const sleepCondition = sleepNode?.target.case === "gateNode" ? sleepNode.target.value.condition : undefined;
    expect(sleepCondition?.case === "sleep" && sleepCondition.value.duration && durationMs(sleepCondition.value.duration)).toBe(300_000);
    expect(sleepNode?.upstreamNodeIds).toEqual(["n1"]);
    expect(wf.template.nodes[4]?.inputs[0]?.binding?.value.value).toMatchObject({ nodeId: "n2", var: "o0" });
  });

  it("rejects bad signal names, types and durations", () => {
    const cases: [() => unknown, string | RegExp][] = [
      [() => workflow({ name: "w" }, () => approve("has space")), 'approve("has space"): signal name "has space" is invalid'],
      [() => workflow({ name: "w" }, () => waitForSignal("v", t.list(t.int()).transform((l) => l.length))), 'waitForSignal("v"): type: z.pipe() has no Skein type'],
      [() => workflow({ name: "w" }, () => sleep("later")), /sleep\("later"\): expected a non-negative duration/],
      [() => workflow({ name: "w" }, () => sleep(-5)), /sleep\(-5\): expected a non-negative duration/],
      [() => approve("x"), 'approve("x") was called outside a workflow body'],
      [() => workflow({ name: "w" }, () => approve("x", { after: notify({}).named("a") }).after(approve("y").named("a"))), 'node id "a" is already used'],
    ];
    for (const [define, message] of cases) {
      expect(define).toThrow(DefinitionError);
      expect(define).toThrow(message);
    }
  });
});
