import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../program.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const hello = join(root, "examples/hello.ts");
const fixtures = fileURLToPath(new URL("../test-support/failing-workflow.ts", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "skein-cli-run-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = { out: "", err: "" };
  const code = await runCli(["run", ...argv, ...(argv.length > 1 && !argv.includes("--help") ? ["--data-dir", dataDir] : [])], {
    out: (t) => (io.out += t),
    err: (t) => (io.err += t),
    env: {},
  });
  return { code, ...io };
}

describe("skein run", () => {
  it("runs hello with an input and with the default", async () => {
    expect(await run(hello, "wf", "--name", "Ada")).toMatchObject({ code: 0, out: "Hello, Ada!\n" });
    expect(await run(hello, "wf")).toMatchObject({ code: 0, out: "Hello, world!\n" });
  });

  it("shows plain progress lines on stderr when it is not a terminal", async () => {
    const { err } = await run(hello, "wf", "--name", "Ada");
    expect(err).toMatch(/QUEUED {4}n0 say_hello/);
    expect(err).toMatch(/SUCCEEDED n0 say_hello/);
    expect(err).toMatch(/workflow SUCCEEDED/);
  });

  it("lists a workflow's inputs with types, defaults and descriptions", async () => {
    const { code, out } = await run(hello, "wf", "--help");
    expect(code).toBe(0);
    expect(out).toMatch(/--name <string>\s+who to greet \(default: world\)/);
    expect(out).toContain("o0: string");
  });

  it("lists the tasks and workflows of a file", async () => {
    const { code, out } = await run(hello);
    expect(code).toBe(0);
    expect(out).toContain("wf(name: string?) -> string");
    expect(out).toContain("say_hello(name: string) -> string");
  });

  it("runs a single task", async () => {
    expect(await run(hello, "say_hello", "--name", "Bo")).toMatchObject({ code: 0, out: "Hello, Bo!\n" });
  });

  it("parses every input by its declared type and prints outputs as JSON", async () => {
    const ok = await run(fixtures, "typed", "--json", "--count", "12", "--ratio", "0.5", "--loud", "--color", "green", "--tags", '["a","b"]', "--wait", "1m30s");
    expect(ok.code).toBe(0);
    expect(ok.err).toBe("");
    expect(ok.out).toBe(`{\n  "summary": "GREEN a+b 0.5 90000ms",\n  "total": 12000000000000\n}\n`);
  });

  it("exits 2 naming each bad input and its expected type", async () => {
    const { code, err } = await run(fixtures, "typed", "--count", "ten", "--ratio", "x", "--color", "blue", "--tags", "[1]", "--wait", "soon");
    expect(code).toBe(2);
    expect(err).toContain("--count");
    expect(err).toContain("expected int");
    expect(err).toContain("--ratio");
    expect(err).toContain("--color");
    expect(err).toContain("--wait");
    expect(err).toContain("--loud: required input is missing");
  });

  it("exits 2 for an unknown entity, an unknown flag or a missing file", async () => {
    expect(await run(hello, "nope")).toMatchObject({ code: 2, err: expect.stringContaining('no task, workflow or launch plan named "nope" (found: say_hello, wf)') as unknown });
    expect(await run(hello, "wf", "--nam", "x")).toMatchObject({ code: 2, err: expect.stringContaining("--nam: not an input of wf") as unknown });
    expect(await run(join(root, "examples/missing.ts"), "wf")).toMatchObject({ code: 2, err: expect.stringContaining("does not exist") as unknown });
  });

  it("exits 1 with the task's name, its error and its stack when a task throws", async () => {
    const { code, err, out } = await run(fixtures, "boom", "--reason", "test");
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toMatch(/error: workflow "boom" failed at node n0 \(attempt 1\): NonRetryableError: refusing: test/);
    expect(err).toMatch(/at .*failing-workflow\.ts/);
  });

  it("refuses an integer a JavaScript number cannot hold before running anything", async () => {
    const { code, err } = await run(fixtures, "typed", "--count", "9007199254740993", "--ratio", "0.5", "--loud", "--color", "red", "--tags", "[]", "--wait", "1s");
    expect(code).toBe(2);
    expect(err).toContain('invalid inputs for task "typed":\n  - count: integer beyond');
    expect(err).toContain("use t.bigint()");
    expect(err).not.toContain("QUEUED");
  });

  it("retries a thrown error and succeeds on the next attempt", async () => {
    const { code, out, err } = await run(fixtures, "flaky", "--n", "21");
    expect(code).toBe(0);
    expect(out).toBe("42\n");
    expect(err).toContain("attempt 2");
  });

  it("waits for a gate's signal given on the command line", async () => {
    expect(await run(fixtures, "gated", "--name", "x", "--signal", "ship-it=true")).toMatchObject({ code: 0, out: "hi x\n" });
    const rejected = await run(fixtures, "gated", "--name", "x", "--signal", "ship-it=false");
    expect(rejected.code).toBe(1);
    const missing = await run(fixtures, "gated", "--name", "x");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('error: gate "ship-it" is waiting for a value: pass --signal ship-it=true\n');
    expect(missing.err).not.toMatch(/\n\s+at /);
  });
});
