// Makes a fresh clone runnable: installs dependencies when they are missing or stale, prints the
// protovalidate sources buf needs, and builds every workspace. Uses only Node built-ins, since it
// runs before anything is installed. `npm start` and `npm test` both call it first.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const quiet = process.argv.includes("--quiet");

function log(message) {
  if (!quiet) process.stderr.write(`[bootstrap] ${message}\n`);
}

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"] });
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`Skein needs Node.js 20.19 or newer (found ${process.versions.node}).\n`);
  process.exit(1);
}

// Reinstall whenever the lockfile differs from the one the last install used.
const lockPath = join(root, "package-lock.json");
const stampPath = join(root, "node_modules", ".skein-install-stamp");
const lockHash = createHash("sha256").update(readFileSync(lockPath)).digest("hex");
const installed = existsSync(stampPath) ? readFileSync(stampPath, "utf8") : "";
if (installed !== lockHash) {
  log("installing dependencies (npm ci)...");
  run(npm, ["ci", "--no-audit", "--no-fund"]);
  writeFileSync(stampPath, lockHash);
}

if (!existsSync(join(root, "proto-deps", "buf", "validate", "validate.proto"))) {
  run(process.execPath, [join(root, "scripts", "proto-deps.mjs")]);
}

if (process.argv.includes("--build")) {
  log("building workspaces...");
  process.env.TURBO_TELEMETRY_DISABLED = "1";
  run(join(root, "node_modules", ".bin", "turbo"), ["run", "build", "--output-logs=errors-only"]);
}
