import { SimpleType } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DefinitionError } from "../definition-error.js";
import { fromLiteral } from "./convert.js";
import { defaultOf, omittableInputs, outputShape, parameterMap, variableMap } from "./interface.js";
import { simpleType } from "./literal-types.js";
import { t } from "./t.js";

describe("interfaces", () => {
  it("reads descriptions through optional and default wrappers, whichever carries them", () => {
    const vars = variableMap({ a: t.int().describe("inner").default(1), b: t.int().default(2).describe("outer"), c: t.string().optional().describe("opt"), d: t.string() }, "inputs", "task \"x\"");
    expect(Object.fromEntries(Object.entries(vars.variables).map(([k, v]) => [k, v.description]))).toEqual({ a: "inner", b: "outer", c: "opt", d: "" });
  });

  it("binds defaults and none for inputs callers may leave out, and marks the rest required", () => {
    const shape = { a: t.int().default(7), b: t.string().optional(), c: t.float(), d: t.int().nullable().default(null) };
    const vars = variableMap(shape, "inputs", "wf");
    const omittable = omittableInputs(shape, vars, "wf");
    expect([...omittable.keys()].sort()).toEqual(["a", "b", "d"]);
    expect(fromLiteral(omittable.get("a")!, simpleType(SimpleType.INTEGER))).toBe(7n);
    const params = parameterMap(vars, omittable).parameters;
    expect(params.c?.behavior).toEqual({ case: "required", value: true });
    expect(params.b?.behavior.case).toBe("default");
    expect(defaultOf(t.int().default(3).optional())).toEqual({ value: 3 });
    expect(defaultOf(t.int())).toBeUndefined();
  });

  it("rejects defaults that do not fit the schema, naming the input", () => {
    expect(() => omittableInputs({ n: t.int().min(5).default(1) }, variableMap({ n: t.int() }, "inputs", "wf"), 'workflow "w"')).toThrow(DefinitionError);
    expect(() => omittableInputs({ n: t.int().min(5).default(1) }, variableMap({ n: t.int() }, "inputs", "wf"), 'workflow "w"')).toThrow(/^workflow "w": inputs\.n: default: Too small/);
  });

  it("names one output o0 and keeps named outputs", () => {
    expect(Object.keys(outputShape(t.int()).shape)).toEqual(["o0"]);
    expect(outputShape(t.int()).single).toBe(true);
    expect(outputShape({ a: t.int() })).toMatchObject({ single: false });
    expect(outputShape(undefined)).toEqual({ shape: {}, single: false });
    expect(z.globalRegistry.get(t.int().describe("x"))?.description).toBe("x");
  });
});
