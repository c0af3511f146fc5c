import { ComparisonOperator, LogicalOperator, type BooleanExpression, type Node } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { DefinitionError } from "../definition-error.js";
import { add, double, greet, notify, stats } from "../test-support/sample-tasks.js";
import { t } from "../types/t.js";
import { when } from "./branch.js";
import { and, or } from "./condition.js";
import { workflow } from "./workflow.js";

function branchOf(node: Node | undefined) {
  if (node?.target.case !== "branchNode") throw new Error("not a branch");
  const ifElse = node.target.value.ifElse;
  if (!ifElse) throw new Error("no if/else");
  return ifElse;
}

function comparison(expr: BooleanExpression | undefined) {
  if (expr?.expr.case !== "comparison") throw new Error("not a comparison");
  const c = expr.expr.value;
  const side = (o: typeof c.leftValue) => (o?.val.case === "var" ? o.val.value : o?.val.value?.value.case === "primitive" ? o.val.value.value.value.value.value : o?.val.case);
  return { op: c.operator, left: side(c.leftValue), right: side(c.rightValue) };
}

describe("when", () => {
  it("compiles cases, elif and else into one branch node whose result is used downstream", () => {
    const wf = workflow({ name: "route", inputs: { score: t.float(), x: t.int() }, outputs: t.int() }, ({ score, x }) => {
      const y = when(score.gt(0.9))
        .then(() => double({ x }))
        .elif(score.lte(0.1), () => add({ a: x }))
        .else(() => double({ x: 0 }));
      return add({ a: y, b: 5 });
    });
    const [branch, after] = wf.template.nodes;
    expect(wf.template.nodes.map((n) => n.id)).toEqual(["n0", "n4"]);
    expect(branch?.inputs.map((b) => [b.var, b.binding?.value.case === "promise" ? b.binding.value.value.var : ""])).toEqual([["x0", "score"]]);
    const ifElse = branchOf(branch);
    expect(comparison(ifElse.case?.condition)).toEqual({ op: ComparisonOperator.GT, left: "x0", right: 0.9 });
    expect(ifElse.case?.thenNode?.id).toBe("n1");
    expect(comparison(ifElse.other[0]?.condition)).toEqual({ op: ComparisonOperator.LTE, left: "x0", right: 0.1 });
    expect(ifElse.default.case === "elseNode" && ifElse.default.value.id).toBe("n3");
    const a = after?.inputs.find((b) => b.var === "a")?.binding;
    expect(a?.value.case === "promise" && a.value.value).toMatchObject({ nodeId: "n0", var: "o0" });
    // Arms read outer values directly; the compiler accepts the closure.
    expect(wf.compile().primary?.connections?.upstream.n4?.ids).toEqual(["n0"]);
  });

  it("combines conditions with and/or, compares references with each other, and fails without a match", () => {
    const wf = workflow({ name: "gate", inputs: { a: t.int(), b: t.int(), flag: t.boolean(), mode: t.enum(["fast", "slow"]) } }, ({ a, b, flag, mode }) => {
      when(or(and(a.gt(b), b.neq(0)), flag, mode.eq("fast")))
        .then(() => notify({ message: "yes" }))
        .fail("nothing matched");
    });
    const ifElse = branchOf(wf.template.nodes[0]);
    const top = ifElse.case?.condition?.expr;
    expect(top?.case === "conjunction" && top.value.operator).toBe(LogicalOperator.OR);
    const inner = top?.case === "conjunction" ? top.value.leftExpression?.expr : undefined;
    const andPart = inner?.case === "conjunction" ? inner.value : undefined;
    expect(andPart?.operator).toBe(LogicalOperator.OR);
    expect(ifElse.default).toMatchObject({ case: "error", value: { failedNodeId: "n0", message: "nothing matched" } });
    expect(wf.template.nodes[0]?.inputs.map((b) => b.var)).toEqual(["x0", "x1", "x2", "x3"]);
  });

  it("passes on multiple outputs when every arm returns the same ones", () => {
    const wf = workflow({ name: "pick", inputs: { big: t.boolean(), xs: t.list(t.float()) }, outputs: t.int() }, ({ big, xs }) => {
      const s = when(big).then(() => stats({ xs })).else(() => stats({ xs: [1] }));
      return s.count;
    });
    expect(wf.template.outputs[0]?.binding?.value.value).toMatchObject({ nodeId: "n0", var: "count" });
  });

  it("rejects malformed branches, naming the workflow, branch and arm", () => {
    const cases: [() => unknown, string | RegExp][] = [
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => when(x.gt(0)).then(() => double({ x }))), 'workflow "w": the branch started by when() (node "n0") has no .else() or .fail()'],
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => when(x.gt(0)).then(() => double({ x: double({ x }) })).fail("no")), 'workflow "w": branch "n0": case 1: an arm must call exactly one task, workflow or launch plan (it made 2 nodes)'],
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => when(x.gt(0)).then(() => double({ x })).else(() => greet({ name: "a" }) as never)), 'workflow "w": branch "n0": else: output "o0" is string here but int in the first arm'],
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => when(x.gt(0)).then(() => double({ x })).else(() => notify({}) as never)), 'every arm must return the same outputs: the first returns o0, this one nothing'],
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => when(x.gt(0)).then(() => x as never).fail("no")), /an arm must call exactly one task.*\(it made 0 nodes\)/],
      [() => workflow({ name: "w", inputs: { xs: t.list(t.int()) } }, ({ xs }) => when(xs.gt(0)).then(() => notify({})).fail("no")), 'workflow "w": branch "n0": inputs.xs: a list<int> cannot be compared'],
      [() => workflow({ name: "w", inputs: { x: t.int() } }, ({ x }) => when(x.gt(0)).then(() => Promise.resolve(double({ x })) as never).fail("no")), /an arm must be synchronous/],
      [() => when({} as never), "when() was called outside a workflow body"],
    ];
    for (const [define, message] of cases) {
      expect(define).toThrow(DefinitionError);
      expect(define).toThrow(message);
    }
  });

  it("does not let a node created in an arm be used outside the branch", () => {
    expect(() =>
      workflow({ name: "leak", inputs: { x: t.int() } }, ({ x }) => {
        let inner: unknown;
        when(x.gt(0))
          .then(() => (inner = double({ x })))
          .fail("no");
        return double({ x: inner as never });
      }),
    ).toThrow('workflow "leak": node "n2" (task "double"): inputs.x: n1.o0 is produced inside a branch arm; use the result of the branch instead');
  });
});
