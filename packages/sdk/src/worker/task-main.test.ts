import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ExecutionErrorSchema, LiteralMapSchema } from "@skein/idl";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ERROR_FILE } from "./task-files.js";
import { runTaskMain, TaskMainUsageError } from "./task-main.js";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "skein-task-main-"));
  await writeFile(join(dir, "inputs.pb"), toBinary(LiteralMapSchema, create(LiteralMapSchema)));
  await writeFile(join(dir, "empty.mjs"), "export const answer = 42;\n");
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("runTaskMain", () => {
  it("rejects bad command lines, naming the problem", async () => {
    await expect(runTaskMain(["bundle", "--inputs", "x"])).rejects.toThrow("--output-dir is required");
    await expect(runTaskMain(["teleport", "--inputs", "x", "--output-dir", dir])).rejects.toThrow('unknown mode "teleport"');
    await expect(runTaskMain(["bundle", "--attempt=-1"])).rejects.toThrow('--attempt must be a non-negative integer, got "-1"');
    await expect(runTaskMain(["bundle", "--bogus", "1"])).rejects.toThrow("Unknown option '--bogus'");
    await expect(runTaskMain(["bundle", "--attempt", "--inputs"])).rejects.toBeInstanceOf(TaskMainUsageError);
    await expect(runTaskMain([])).rejects.toBeInstanceOf(TaskMainUsageError);
  });

  it("runs an attempt from its command line", async () => {
    await runTaskMain(["bundle", "--code-dir", dir, "--module", "empty.mjs", "--task", "nope", "--inputs", join(dir, "inputs.pb"), "--output-dir", join(dir, "out")]);
    expect(fromBinary(ExecutionErrorSchema, await readFile(join(dir, "out", ERROR_FILE))).message).toBe('module "empty.mjs" defines no runnable task "nope"');
  });
});
