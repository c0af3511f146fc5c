import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { EXIT_OK, EXIT_USAGE, runCli } from "./program.js";

function capture(env: Record<string, string | undefined> = {}) {
  const io = { out: "", err: "" };
  return {
    io,
    sink: { out: (t: string) => (io.out += t), err: (t: string) => (io.err += t), env },
  };
}

describe("skein CLI", () => {
  it("prints help with no arguments", async () => {
    const { io, sink } = capture();
    expect(await runCli([], sink)).toBe(EXIT_OK);
    expect(io.out).toMatch(/^Usage: skein \[options\] \[command\]/);
    expect(io.out).toContain("info");
  });

  it("resolves the endpoint from the flag or SKEIN_ENDPOINT", async () => {
    const fromEnv = capture({ SKEIN_ENDPOINT: "http://admin.internal:8088" });
    expect(await runCli(["info"], fromEnv.sink)).toBe(EXIT_OK);
    expect(fromEnv.io.out).toContain("endpoint http://admin.internal:8088");
    const fromFlag = capture({ SKEIN_ENDPOINT: "http://ignored:1" });
    expect(await runCli(["--endpoint", "https://a.example", "info"], fromFlag.sink)).toBe(EXIT_OK);
    expect(fromFlag.io.out).toContain("endpoint https://a.example");
    const afterCommand = capture({ SKEIN_ENDPOINT: "http://ignored:1" });
    expect(await runCli(["info", "--endpoint", "https://b.example"], afterCommand.sink)).toBe(EXIT_OK);
    expect(afterCommand.io.out).toContain("endpoint https://b.example");
    const both = capture();
    expect(await runCli(["--endpoint", "https://a.example", "info", "--endpoint=https://c.example"], both.sink)).toBe(EXIT_OK);
    expect(both.io.out).toContain("endpoint https://c.example");
  });

  it("exits 2 on an unknown command, an unknown option or a bad endpoint", async () => {
    const unknown = capture();
    expect(await runCli(["frobnicate"], unknown.sink)).toBe(EXIT_USAGE);
    expect(unknown.io.err).toContain("unknown command 'frobnicate'");
    const option = capture();
    expect(await runCli(["info", "--nope"], option.sink)).toBe(EXIT_USAGE);
    expect(option.io.err).toContain("unknown option '--nope'");
    const endpoint = capture();
    expect(await runCli(["--endpoint", "ftp://x", "info"], endpoint.sink)).toBe(EXIT_USAGE);
    expect(endpoint.io.err).toContain('--endpoint: "ftp://x" must use http:// or https://');
    const after = capture();
    expect(await runCli(["info", "--endpoint", "ftp://x"], after.sink)).toBe(EXIT_USAGE);
    expect(after.io.err).toContain('--endpoint: "ftp://x" must use http:// or https://');
  });

  it("runs as a real process from the built bin", async () => {
    const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [bin, "--version"]);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    await expect(promisify(execFile)(process.execPath, [bin, "bogus"])).rejects.toMatchObject({ code: EXIT_USAGE });
  });
});
