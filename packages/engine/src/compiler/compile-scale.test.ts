import { describe, expect, it } from "vitest";
import { listType } from "../types/builders.js";
import { compileWorkflow } from "./compile-workflow.js";
import { INT, closureOf, edges, errorsOf, int, list, promise, task, taskNode, workflow } from "../test-support/compiler-fixtures.js";

// Large graphs must compile in time linear in nodes plus edges; these tests check that the
// answers stay right at a size where a quadratic pass would take minutes.
const N = 10_000;
const inc = task("inc", { a: INT }, { o0: INT });
const sum = task("sum", { xs: listType(INT) }, { o0: INT });
const fanIds = Array.from({ length: N }, (_, i) => `f${i}`);

describe("compiling large workflows", () => {
  it("compiles a 10,000-node fan-out and fan-in", () => {
    const wf = workflow("fan", {
      inputs: { x: INT },
      outputs: { total: INT },
      nodes: [
        taskNode("src", "inc", { a: promise("start-node", "x") }),
        ...fanIds.map((id) => taskNode(id, "inc", { a: promise("src", "o0") })),
        taskNode("gather", "sum", { xs: list(...fanIds.map((id) => promise(id, "o0"))) }),
      ],
      bind: { total: promise("gather", "o0") },
    });
    const closure = closureOf(compileWorkflow({ workflow: wf, tasks: [inc, sum] }));
    const { up, down } = edges(closure.primary);
    const sorted = [...fanIds].sort();
    expect(down["start-node"]).toEqual(["src"]);
    expect(down["src"]).toEqual(sorted);
    expect(up["gather"]).toEqual(sorted);
    expect(up["f9999"]).toEqual(["src"]);
    expect(down["f0"]).toEqual(["gather"]);
    expect(up["end-node"]).toEqual(["gather"]);
    expect(Object.keys(up)).toHaveLength(N + 3);
  });

  it("compiles a 10,000-node chain and finds a cycle closing it", () => {
    const chain = fanIds.map((id, i) => taskNode(id, "inc", { a: i === 0 ? int(0) : promise(`f${i - 1}`, "o0") }));
    const closure = closureOf(compileWorkflow({ workflow: workflow("chain", { nodes: chain }), tasks: [inc] }));
    expect(edges(closure.primary).up["end-node"]).toEqual(["f9999"]);
    expect(edges(closure.primary).up["f5000"]).toEqual(["f4999"]);

    const closed = fanIds.map((id, i) => taskNode(id, "inc", { a: promise(`f${(i + N - 1) % N}`, "o0") }));
    closed.push(taskNode("tail", "inc", { a: promise("f0", "o0") }));
    const errors = errorsOf(compileWorkflow({ workflow: workflow("ring", { nodes: closed }), tasks: [inc] }));
    expect(errors.map((e) => [e.code, e.node])).toEqual([["CYCLE", "f0"], ["UNREACHABLE_NODE", "tail"]]);
    expect(errors[0]?.message).toContain("f9998 -> f9999 -> f0 form a cycle");
  });
});
