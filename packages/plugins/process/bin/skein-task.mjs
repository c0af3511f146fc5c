#!/usr/bin/env node
// The task process: runs one attempt (see `runTaskMain` in @skein/sdk) and exits 0 once its
// result file is written, whether the task succeeded or failed. Exit 2 means the command line was
// wrong, 1 that no result could be written; either way the starter sees no result file.
import { register } from "node:module";

register("./resolve-hooks.mjs", import.meta.url);
const { runTaskMain, TaskMainUsageError } = await import("@skein/sdk");
try {
  await runTaskMain(process.argv.slice(2));
  process.exit(0);
} catch (error) {
  process.stderr.write(`skein-task: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(error instanceof TaskMainUsageError ? 2 : 1);
}
