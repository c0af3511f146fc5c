#!/usr/bin/env node
import { runCli } from "./program.js";

const interrupt = new AbortController();
process.once("SIGINT", () => {
  process.stderr.write("\ninterrupted: stopping (Ctrl-C again to force)\n");
  interrupt.abort();
  process.once("SIGINT", () => process.exit(130));
});

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  errIsTty: process.stderr.isTTY,
  stdin: process.stdin,
  stdinIsTty: process.stdin.isTTY,
  abort: interrupt.signal,
});
process.exitCode = code;
