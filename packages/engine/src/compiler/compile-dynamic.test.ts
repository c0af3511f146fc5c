import { create } from "@bufbuild/protobuf";
import { DynamicJobSpecSchema, type Node } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { compileDynamicJob } from "./compile-dynamic.js";
import { INT, STR, bindings, closureOf, edges, errorsOf, iface, int, onlyError, promise, task, taskNode, type Vars } from "../test-support/compiler-fixtures.js";

const inc = task("inc", { a: INT }, { o0: INT });
const shout = task("shout", { s: STR }, { o0: STR });

function spec(nodes: Node[], outputs: Record<string, ReturnType<typeof promise>>, minSuccesses = 0n) {
  return create(DynamicJobSpecSchema, { nodes, outputs: bindings(outputs), tasks: [inc], minSuccesses });
}
const parent = (inputs: Vars, outputs: Vars) => ({ parentNode: "n5", workflowName: "wf", parentInterface: iface(inputs, outputs) });

describe("compileDynamicJob", () => {
  it("compiles generated nodes reading the dynamic node's inputs", () => {
    const job = spec(
      [taskNode("dn0", "inc", { a: promise("start-node", "x") }), taskNode("dn1", "shout", { s: promise("start-node", "s") })],
      { o0: promise("dn0", "o0") },
    );
    const closure = closureOf(compileDynamicJob(job, { ...parent({ x: INT, s: STR }, { o0: INT }), tasks: [shout] }));
    expect(edges(closure.primary).up).toEqual({ dn0: ["start-node"], dn1: ["start-node"], "end-node": ["dn0", "dn1"] });
    expect(closure.tasks.map((t) => t.template?.id?.name)).toEqual(["inc", "shout"]);
    expect(closure.primary?.template?.id?.name).toBe("wf.n5");
  });

  it("names generated nodes under the dynamic node and attributes output problems to it", () => {
    const job = spec([taskNode("dn0", "inc", { a: promise("start-node", "s") })], { o0: promise("dn0", "o0") });
    const errors = errorsOf(compileDynamicJob(job, parent({ s: STR }, { o0: STR, o1: INT })));
    expect(errors.map((e) => e.message)).toEqual([
      'workflow "wf", node "n5/dn0", input "a": expected int, got string from start-node.s',
      'workflow "wf", node "n5", output "o0": expected string, got int from dn0.o0',
      'workflow "wf", node "n5", output "o1": the declared output (int) is not bound',
    ]);
  });

  it("leaves inputs and outputs unchecked without the parent's interface, but still checks the graph", () => {
    const job = spec([taskNode("dn0", "inc", { a: promise("start-node", "anything") })], { whatever: promise("dn0", "o0") });
    closureOf(compileDynamicJob(job, { parentNode: "n5", workflowName: "wf" }));
    const broken = spec([taskNode("dn0", "inc", { a: promise("dn1", "o0") }), taskNode("dn1", "inc", { a: promise("dn0", "o0") })], {});
    const errors = errorsOf(compileDynamicJob(broken, { parentNode: "n5", workflowName: "wf" }));
    expect(onlyError(errors, "CYCLE").message).toBe('workflow "wf", node "n5/dn0": nodes dn0 -> dn1 -> dn0 form a cycle');
  });

  it("INVALID_DYNAMIC_SPEC: more required successes than nodes", () => {
    const job = spec([taskNode("dn0", "inc", { a: int(1) })], {}, 2n);
    const errors = errorsOf(compileDynamicJob(job, { parentNode: "n5", workflowName: "wf" }));
    expect(onlyError(errors, "INVALID_DYNAMIC_SPEC").message).toBe('workflow "wf", node "n5": min_successes is 2, but the spec has 1 nodes');
  });
});
