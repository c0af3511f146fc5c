#!/usr/bin/env node
// The task process: runs one attempt (see `runTaskMain` in @skein/sdk) and exits 0 once its
// result file is written, whether the task succeeded or failed. Exit 2 means the command line was
// wrong, 1 that no result could be written; either way the starter sees no result file.
import { writeFileSync } from "node:fs";
import { register } from "node:module";

// One process per attempt, even when its starter died between starting this process and
// recording it, and a new starter started another: the first to create the claim file runs the
// attempt, any later one exits at once without touching it. The claim holds the runner's pid,
// which is the process the starter watches.
const claim = process.env.SKEIN_TASK_CLAIM_FILE;
if (claim !== undefined && claim !== "") {
  try {
    writeFileSync(claim, String(process.pid), { flag: "wx" });
  } catch (error) {
    if (error?.code === "EEXIST") process.exit(0);
    throw error;
  }
}

// The SDK resolves from this package without help, so it loads before the hooks: registered
// first, they would see every one of its module resolutions (a round trip to the hooks thread
// each) and start every attempt about 0.3 s later. Only the task's own code needs them.
const { runTaskMain, TaskMainUsageError } = await import("@skein/sdk");
register("./resolve-hooks.mjs", import.meta.url);
try {
  await runTaskMain(process.argv.slice(2));
  process.exit(0);
} catch (error) {
  process.stderr.write(`skein-task: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(error instanceof TaskMainUsageError ? 2 : 1);
}
