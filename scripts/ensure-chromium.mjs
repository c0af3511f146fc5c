// Makes sure the browser the console's tests drive is installed: Debian's `chromium` package at
// /usr/bin/chromium (never a browser download). As root it installs the package when missing;
// otherwise it says what to run. Exits 0 when the browser is there.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const chromiumPath = "/usr/bin/chromium";

if (!existsSync(chromiumPath)) {
  if (process.getuid?.() !== 0) {
    process.stderr.write(`Chromium is missing at ${chromiumPath}; install it with: sudo apt-get install -y chromium\n`);
    process.exit(1);
  }
  process.stderr.write("installing Debian's chromium package for the console's browser tests...\n");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update"], { stdio: ["ignore", "ignore", "inherit"], env });
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { stdio: ["ignore", "ignore", "inherit"], env });
  if (!existsSync(chromiumPath)) {
    process.stderr.write(`apt-get finished but ${chromiumPath} is still missing\n`);
    process.exit(1);
  }
}
