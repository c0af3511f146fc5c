import { SimpleType } from "@skein/idl";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as authoring from "./authoring.js";
import { launchPlan, map, task, toLiteral, fromLiteral, t, workflow, type Ref, type TaskDefinition, type WorkflowDefinition } from "./authoring.js";
import { fakeRuntime, literalMap } from "./test-support/task-runtime.js";
import { simpleType } from "./types/literal-types.js";

const STRING = simpleType(SimpleType.STRING);

// The example users start from.
export const say_hello = task(
  { name: "say_hello", inputs: { name: t.string().describe("who to greet") }, outputs: t.string() },
  ({ name }) => `Hello, ${name}!`,
);
export const wf = workflow(
  { name: "wf", inputs: { name: t.string().default("world") }, outputs: t.string() },
  ({ name }) => say_hello({ name }),
);

describe("the authoring API", () => {
  it("defines, compiles and runs the example", async () => {
    const closure = wf.compile();
    expect(closure.primary?.template?.nodes.map((n) => n.id)).toEqual(["n0"]);
    expect(closure.tasks.map((c) => c.template?.id?.name)).toEqual(["say_hello"]);
    const result = await say_hello.execute!(literalMap({ name: toLiteral("Ada", STRING) }), fakeRuntime());
    expect("outputs" in result && fromLiteral(result.outputs.literals.o0!, STRING)).toBe("Hello, Ada!");
    expect(say_hello.template.interface?.inputs?.variables.name?.description).toBe("who to greet");
    const name = wf.defaults.parameters.name?.behavior;
    expect(name?.case === "default" && fromLiteral(name.value, STRING)).toBe("world");
  });

  it("exports the documented names", () => {
    for (const name of ["t", "task", "dynamic", "containerTask", "workflow", "launchPlan", "when", "and", "or", "map", "approve", "waitForSignal", "sleep", "file", "dir", "literalTypeOf", "toLiteral", "fromLiteral", "parseCliValue", "LiteralConversionError", "NonRetryableError", "collectEntities", "CompileErrors", "DefinitionError"]) {
      expect(authoring).toHaveProperty(name);
    }
  });

  it("types calls, results and task functions from the schemas", () => {
    const scale = task({ name: "scale_t", inputs: { x: t.float(), by: t.float().default(2), note: t.string().optional() }, outputs: { y: t.float(), big: t.bigint() } }, ({ x, by }) => {
      expectTypeOf(x).toEqualTypeOf<number>();
      expectTypeOf(by).toEqualTypeOf<number>();
      return { y: x * by, big: 1n };
    });
    // Specific definitions are assignable to the plain types.
    const anyTask: TaskDefinition = scale;
    const anyWorkflow: WorkflowDefinition = wf;
    expect([anyTask.name, anyWorkflow.name]).toEqual(["scale_t", "wf"]);
    const typed = workflow({ name: "typed", inputs: { x: t.float(), xs: t.list(t.float()) }, outputs: t.float() }, ({ x, xs }) => {
      expectTypeOf(x).toEqualTypeOf<Ref<number>>();
      const r = scale({ x });
      expectTypeOf(r.y).toEqualTypeOf<Ref<number>>();
      expectTypeOf(r.big).toEqualTypeOf<Ref<bigint>>();
      expectTypeOf(map(scale, { bound: ["by"] })({ x: xs, by: x }).y).toEqualTypeOf<Ref<number[]>>();
      return r.y;
    });
    expect(typed.name).toBe("typed");
    const typeErrors = () =>
      workflow({ name: "never_defined", inputs: { s: t.string() } }, ({ s }) => {
        // @ts-expect-error a string reference is not a float
        scale({ x: s });
        // @ts-expect-error x is required
        scale({});
        // @ts-expect-error unknown input
        scale({ x: 1, z: 2 });
        // @ts-expect-error the outputs are y and big
        return scale({ x: 1 }).z;
      });
    expect(typeErrors).toBeTypeOf("function");
    const plan = launchPlan(typed, { defaults: { x: 1 }, fixed: { xs: [1] } });
    // @ts-expect-error defaults are checked against the input types
    expect(() => launchPlan(typed, { name: "bad", defaults: { x: "one" } })).toThrow(/defaults\.x/);
    expect(plan.name).toBe("typed");
  });
});
