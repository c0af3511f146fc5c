import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkflowExecutionPhase } from "@skein/idl";
import { afterAll, describe, expect, it } from "vitest";
import { task } from "../task/task.js";
import { t } from "../types/t.js";
import { runLocally } from "./run-local.js";

const dataDir = mkdtempSync(join(tmpdir(), "skein-abort-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("runLocally abort", () => {
  it("aborts an execution whose signal was aborted before it started", async () => {
    let ran = false;
    const work = task({ name: "work", outputs: t.int() }, () => {
      ran = true;
      return 1;
    });
    const interrupt = new AbortController();
    interrupt.abort();
    const run = await runLocally(work, {}, { dataDir, abort: interrupt.signal });
    expect(run.phase).toBe(WorkflowExecutionPhase.ABORTED);
    expect(ran).toBe(false);
  });
});
