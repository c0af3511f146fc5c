// The contract checks that run before anything else in `npm test`:
//   1. `buf lint` and `buf format --diff --exit-code` are clean;
//   2. the committed generated code equals what the protos generate now.
// Generation goes to a temporary directory, so the check never rewrites the working tree and fails
// on a fresh clone whose committed code drifted from its protos.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "node_modules", ".bin");
const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
const genDir = "packages/idl/src/gen";

function buf(args) {
  execFileSync(join(bin, "buf"), args, { cwd: root, env, stdio: "inherit" });
}

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

try {
  buf(["lint"]);
  buf(["format", "--diff", "--exit-code"]);
} catch {
  console.error("\nproto check failed: fix the lint findings above, or run `npm run format:proto`.");
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "skein-gen-"));
try {
  buf(["generate", "-o", scratch]);
  const fresh = join(scratch, genDir);
  const committed = join(root, genDir);
  const freshFiles = listFiles(fresh);
  const committedFiles = listFiles(committed);
  const problems = [];
  for (const f of freshFiles) {
    if (!committedFiles.includes(f)) problems.push(`missing: ${genDir}/${f}`);
    else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f)))) problems.push(`differs: ${genDir}/${f}`);
  }
  for (const f of committedFiles) if (!freshFiles.includes(f)) problems.push(`stale: ${genDir}/${f}`);
  if (problems.length > 0) {
    console.error(`generated code is out of date with proto/ (${problems.length} files):`);
    for (const p of problems) console.error(`  ${p}`);
    console.error("run `npm run generate` and commit the result.");
    process.exit(1);
  }
  console.log(`proto check: lint and format clean; ${freshFiles.length} generated files up to date.`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
