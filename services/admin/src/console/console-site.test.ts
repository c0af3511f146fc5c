import { createLogger, createMemorySink, serveConnect, type ConnectServer } from "@skein/server";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { consoleSite, installedConsoleDir } from "./console-site.js";

const servers: ConnectServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function serve(dir: string | undefined) {
  const sink = createMemorySink();
  const server = await serveConnect({ routes: () => undefined, fallback: consoleSite(dir, createLogger({ component: "test", sink })) });
  servers.push(server);
  return { url: server.url, sink };
}

describe("consoleSite", () => {
  it("serves a built console under /console and sends / there", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "skein-console-"));
    dirs.push(dir);
    await writeFile(path.join(dir, "index.html"), "<div id=root></div>");
    const { url, sink } = await serve(dir);
    expect(sink.records.find((r) => r.msg === "serving the console")).toMatchObject({ fields: { consoleDir: dir } });
    const page = await fetch(`${url}/console/projects/default/domains/development/executions/abc`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe("<div id=root></div>");
    const root = await fetch(`${url}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/console/");
  });

  it("warns at start and answers 404 with how to build it when the build is absent", async () => {
    const { url, sink } = await serve(path.join(tmpdir(), "skein-no-console-here"));
    expect(sink.records.some((r) => r.level === "warn" && r.msg.startsWith("the console is not built"))).toBe(true);
    const page = await fetch(`${url}/console/`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("npm run build");
  });

  it("defaults to the installed @skein/console package's dist", () => {
    expect(installedConsoleDir()).toMatch(/console[/\\]dist$/);
  });
});
