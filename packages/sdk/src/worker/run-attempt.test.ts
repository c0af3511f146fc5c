import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ErrorKind, ExecutionErrorSchema, LiteralMapSchema, type ExecutionError } from "@skein/idl";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBundledTask } from "./run-attempt.js";
import { ERROR_DETAILS_FILE, ERROR_FILE, OUTPUTS_FILE } from "./task-files.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "skein-worker-"));
  await writeFile(join(dir, "inputs.pb"), toBinary(LiteralMapSchema, create(LiteralMapSchema)));
  await writeFile(join(dir, "empty.mjs"), "export const answer = 42;\n");
  await writeFile(join(dir, "broken.mjs"), 'throw new TypeError("cannot start");\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(): Promise<{ error: ExecutionError; recoverable: boolean }> {
  const out = join(dir, "out");
  const error = fromBinary(ExecutionErrorSchema, await readFile(join(out, ERROR_FILE)));
  const { recoverable } = JSON.parse(await readFile(join(out, ERROR_DETAILS_FILE), "utf8")) as { recoverable: boolean };
  return { error, recoverable };
}

const attempt = (module: string, inputsFile = join(dir, "inputs.pb")) => ({
  codeDir: dir,
  module,
  task: "say_hello",
  inputsFile,
  outputDir: join(dir, "out"),
  signal: new AbortController().signal,
});

describe("runBundledTask", () => {
  it("reports code that is not in the bundle as a permanent system error", async () => {
    await runBundledTask(attempt("missing.mjs"));
    const { error, recoverable } = await failure();
    expect(error).toMatchObject({ kind: ErrorKind.SYSTEM, code: "AttemptSetupError", message: `module "missing.mjs" is not in the code bundle at ${dir}` });
    expect(recoverable).toBe(false);
  });

  it("refuses a module path that leaves the bundle", async () => {
    await runBundledTask(attempt("../escape.mjs"));
    expect((await failure()).error.message).toBe('module "../escape.mjs" is outside the code bundle');
  });

  it("reports a module without the task as a permanent system error", async () => {
    await runBundledTask(attempt("empty.mjs"));
    const { error, recoverable } = await failure();
    expect(error).toMatchObject({ kind: ErrorKind.SYSTEM, message: 'module "empty.mjs" defines no runnable task "say_hello"' });
    expect(recoverable).toBe(false);
  });

  it("reports a module that throws while loading as a user error", async () => {
    await runBundledTask(attempt("broken.mjs"));
    const { error, recoverable } = await failure();
    expect(error).toMatchObject({ kind: ErrorKind.USER, code: "TypeError", message: "cannot start" });
    expect(recoverable).toBe(true);
  });

  it("reports unreadable inputs as a retryable system error and writes no outputs", async () => {
    await writeFile(join(dir, "garbage.pb"), new Uint8Array([0xff, 0xff, 0xff]));
    await runBundledTask(attempt("empty.mjs", join(dir, "garbage.pb")));
    const { error, recoverable } = await failure();
    expect(error.kind).toBe(ErrorKind.SYSTEM);
    expect(error.message).toContain(`cannot read the inputs at ${join(dir, "garbage.pb")}`);
    expect(recoverable).toBe(true);
    await expect(readFile(join(dir, "out", OUTPUTS_FILE))).rejects.toThrow("ENOENT");
  });
});
