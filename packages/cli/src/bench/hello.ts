// Wall time of `skein run examples/hello.ts wf` on a warm machine, as a user sees it: a fresh
// process each run, after one warm-up run. Run with `npm run bench`.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { formatSummary, summarize } from "./percentiles.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const bin = fileURLToPath(new URL("../../bin/skein.js", import.meta.url));
const runs = Number(process.env.SKEIN_BENCH_RUNS ?? 10);

function once(): number {
  const started = performance.now();
  const out = execFileSync(process.execPath, [bin, "run", "examples/hello.ts", "wf"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const elapsed = performance.now() - started;
  if (out.trim() !== "Hello, world!") throw new Error(`unexpected output: ${out}`);
  return elapsed;
}

once();
const samples = Array.from({ length: runs }, once);
console.log(formatSummary("skein run examples/hello.ts wf (wall)", summarize(samples), 1500));
