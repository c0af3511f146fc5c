import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { VariableSchema } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { CompileErrors, formatCompileErrors } from "./compile-error.js";
import { compileTask } from "./compile-task.js";
import { INT, task } from "../test-support/compiler-fixtures.js";

describe("compileTask", () => {
  it("accepts a sound task", () => {
    expect(compileTask(task("ok", { a: INT }, { o0: INT }, { metadata: { discoverable: true, discoveryVersion: "1", cacheIgnoreInputVars: ["a"] } }))).toEqual([]);
  });

  it("INVALID_TASK: an empty or malformed type, a negative timeout", () => {
    expect(compileTask(task("t", {}, {}, { type: "" }))).toEqual([
      { code: "INVALID_TASK", workflow: "", task: "p/d/t@v1", message: 'task "p/d/t@v1": the task has no type' },
    ]);
    expect(compileTask(task("t", {}, {}, { type: "-bad type" }))[0]?.message).toContain('"-bad type" is not a valid task type');
    expect(compileTask(task("t", {}, {}, { metadata: { timeout: durationFromMs(-1) } }))[0]?.message).toContain("timeout is negative");
  });

  it("INVALID_INTERFACE: invalid variable names and untyped variables", () => {
    const bad = task("t", { "a-b": INT }, {});
    bad.interface!.outputs!.variables["o0"] = create(VariableSchema, {});
    const errors = compileTask(bad);
    expect(errors.map((e) => [e.code, e.input ?? e.output])).toEqual([
      ["INVALID_INTERFACE", "a-b"],
      ["INVALID_INTERFACE", "o0"],
    ]);
    expect(errors[1]?.message).toBe('task "p/d/t@v1", output "o0": the output has no type');
  });

  it("INVALID_CACHE_SETTINGS: cached without version, ignoring inputs that do not exist", () => {
    const errors = compileTask(task("t", { a: INT }, {}, { metadata: { discoverable: true, cacheIgnoreInputVars: ["a", "zz"] } }));
    expect(errors.map((e) => e.message)).toEqual([
      'task "p/d/t@v1": the task is cached (discoverable) but has no discovery_version',
      'task "p/d/t@v1", input "zz": cache_ignore_input_vars names an input the task does not declare',
    ]);
  });

  it("INVALID_RETRY_STRATEGY: too many retries, bad multiplier, delays out of order", () => {
    const errors = compileTask(task("t", {}, {}, {
      metadata: { retries: { retries: 101, multiplier: Number.POSITIVE_INFINITY, initialDelay: durationFromMs(5000), maxDelay: durationFromMs(1000) } },
    }));
    expect(errors.map((e) => e.code)).toEqual(["INVALID_RETRY_STRATEGY", "INVALID_RETRY_STRATEGY", "INVALID_RETRY_STRATEGY"]);
    expect(errors.map((e) => e.message.split(": ")[1])).toEqual([
      "retries is 101; at most 100 are allowed",
      "multiplier must be 0 (constant delay) or a finite number of at least 1, not Infinity",
      "max_delay (1000 ms) is below initial_delay (5000 ms)",
    ]);
  });

  it("CompileErrors lists every error in its message", () => {
    const errors = compileTask(task("t", { a: INT }, {}, { type: "", metadata: { discoverable: true } }));
    const thrown = new CompileErrors(errors);
    expect(thrown.errors).toBe(errors);
    expect(thrown.message).toBe(`2 compile errors:\n${formatCompileErrors(errors)}`);
    expect(formatCompileErrors(errors).split("\n")).toEqual([
      '[INVALID_TASK] task "p/d/t@v1": the task has no type',
      '[INVALID_CACHE_SETTINGS] task "p/d/t@v1": the task is cached (discoverable) but has no discovery_version',
    ]);
  });
});
