import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { skein } from "../cluster/test-services.test-util.js";
import { runCli } from "../program.js";
import { helloFile } from "./examples.js";
import { runSandbox, type RunningSandbox } from "./running-sandbox.test-util.js";

const dataDir = await mkdtemp(join(tmpdir(), "skein-sandbox-"));
// On the PostgreSQL server when one is configured (every service shares the test's database), else embedded.
let database: TestDatabase | undefined;
let env: Record<string, string>;
beforeAll(async () => {
  if (testEnvironment().databaseUrl !== undefined) database = await createTestDatabase();
  env = database?.url !== undefined ? { DATABASE_URL: database.url } : {};
});
afterAll(async () => {
  await database?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts `skein sandbox --port 0` on the test's data directory and waits until it says it is ready. */
const startSandbox = (): Promise<RunningSandbox> => runSandbox(dataDir, env);

async function isListening(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/skein.admin.v1.AdminService/ListProjects`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    return true;
  } catch {
    return false;
  }
}

let firstHello = "";

describe("skein sandbox", () => {
  it("runs hello world on a local cluster, serves the CLI until aborted, then stops", { timeout: 240_000 }, async () => {
    const sandbox = await startSandbox();
    const out = sandbox.out();
    expect(out).toMatch(/^starting the sandbox: /);
    expect(out).toContain("cluster local-a running (region us-east, labels region=us-east)\n");
    expect(out).toContain("cluster local-b running (region eu-west, labels region=eu-west,gpu=true)\n");
    expect(out).toMatch(/\nregistered 11 of 11 entities in default\/development under version \S+\n/);
    expect(out).toContain("\nHello, world!\n");
    const ran = /\nexecution default\/development\/([a-z0-9-]+) ran on cluster (local-a|local-b)\n/.exec(out);
    expect(ran, out).not.toBeNull();
    const consoleUrl = `${sandbox.url}/console/projects/default/domains/development/executions/${ran?.[1] ?? ""}`;
    expect(out).toContain(`\nsee it in the console: ${consoleUrl}\n`);
    const page = await fetch(consoleUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"></div>');
    firstHello = ran?.[1] ?? "";

    const clusters = await skein({}, "cluster", "list", "--endpoint", sandbox.url);
    expect(clusters.code, clusters.err).toBe(0);
    expect(clusters.out).toMatch(/^local-a +us-east +region=us-east +HEALTHY /m);
    expect(clusters.out).toMatch(/^local-b +eu-west +gpu=true,region=eu-west +HEALTHY /m);

    // Only local-b has the gpu label, so the router must place this run there.
    const run = await skein({}, "run", "--remote", "--endpoint", sandbox.url, helloFile, "wf", "--name", "Ada", "--cluster-label", "gpu", "--wait");
    expect({ code: run.code, out: run.out }, run.err).toEqual({ code: 0, out: "Hello, Ada!\n" });
    const name = /execution default\/development\/([a-z0-9-]+) created/.exec(run.err)?.[1];
    expect(name, run.err).toBeDefined();
    const shown = await skein({}, "get", "execution", name ?? "", "--endpoint", sandbox.url);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/^phase +SUCCEEDED$/m);
    expect(shown.out).toMatch(/^cluster +local-b$/m);

    expect(await sandbox.stop()).toBe(0);
    expect(sandbox.out()).toMatch(/\nstopping: local-a and local-b, then the control plane\nsandbox stopped\n$/);
    expect(await isListening(sandbox.url)).toBe(false);
  });

  it("keeps its state in the data directory for the next start", { timeout: 240_000 }, async () => {
    expect(firstHello, "the first test must have run").not.toBe("");
    const sandbox = await startSandbox();
    expect(sandbox.out()).toMatch(/\nall 11 entities were already registered in default\/development under version \S+\n/);
    expect(sandbox.out()).toContain("\nHello, world!\n");
    const earlier = await skein({}, "get", "execution", firstHello, "--endpoint", sandbox.url);
    expect(earlier.code, earlier.err).toBe(0);
    expect(earlier.out).toMatch(/^phase +SUCCEEDED$/m);
    expect(earlier.out).toMatch(/^cluster +local-[ab]$/m);
    expect(await sandbox.stop()).toBe(0);
  });

  it("exits 2 naming the setting when a flag or DATABASE_URL is bad, before starting anything", async () => {
    const attempt = async (argv: string[], environment: Record<string, string> = {}) => {
      let out = "";
      let err = "";
      const code = await runCli(["sandbox", ...argv], { out: (t) => (out += t), err: (t) => (err += t), env: environment });
      return { code, out, err };
    };
    const port = await attempt(["--port", "99999", "--data-dir", dataDir]);
    expect(port).toMatchObject({ code: 2, out: "" });
    expect(port.err).toMatch(/^error: sandbox: invalid admin configuration:\n {2}- port: /);
    const dir = await attempt(["--port", "0", "--data-dir", ""]);
    expect(dir.code).toBe(2);
    expect(dir.err).toContain("- dataDir: ");
    const url = await attempt(["--port", "0", "--data-dir", dataDir], { DATABASE_URL: "mysql://db/x" });
    expect(url.code).toBe(2);
    expect(url.err).toContain("databaseUrl (from DATABASE_URL)");
    const unknown = await attempt(["--cluster", "x"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown option '--cluster'");
  });
});
