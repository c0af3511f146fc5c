// `npm run generate`: prints the protovalidate sources, then regenerates packages/idl/src/gen.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "node_modules", ".bin");
const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
execFileSync(process.execPath, [join(root, "scripts", "proto-deps.mjs")], { cwd: root, stdio: "inherit" });
execFileSync(join(bin, "buf"), ["generate"], { cwd: root, env, stdio: "inherit" });
