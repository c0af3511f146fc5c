import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../program.js";
import { startTestAdmin, type TestAdmin } from "./test-admin.test-util.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const hello = join(root, "examples/hello.ts");
// Fixture code lives inside the repository so that it resolves @skein/sdk like user code does.
const scratch = mkdtempSync(join(fileURLToPath(new URL("../../", import.meta.url)), ".test-remote-"));
const tasks = join(scratch, "tasks.ts");
writeFileSync(
  tasks,
  [
    `import { t, task } from "@skein/sdk";`,
    `export const shout = task({ name: "shout", inputs: { text: t.string(), times: t.int() }, outputs: t.string() }, async ({ text, times }) => text.toUpperCase().repeat(times));`,
    `export const whisper = task({ name: "whisper", inputs: { text: t.string() }, outputs: t.string() }, async ({ text }) => text.toLowerCase());`,
    "",
  ].join("\n"),
);

let admin: TestAdmin;
beforeAll(async () => {
  admin = await startTestAdmin();
});
afterAll(async () => {
  await admin.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("skein project and skein get", () => {
  it("creates a project and lists it as a table and as JSON", async () => {
    const created = await admin.skein("project", "create", "demo", "--name", "Demo", "--description", "for the docs");
    expect(created).toMatchObject({ code: 0, err: "" });
    expect(created.out).toBe("created project demo (domains: development, staging, production)\n");
    const listed = await admin.skein("get", "projects");
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^ID +NAME +DESCRIPTION +CREATED\n/);
    expect(listed.out).toMatch(/^demo {2}Demo {2}for the docs {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/m);
    const json = JSON.parse((await admin.skein("get", "projects", "--json")).out) as { items: { id: string }[]; next_token: string };
    expect(json.items.map((p) => p.id)).toContain("demo");
    expect(json.next_token).toBe("");
  });

  it("refuses a taken id (exit 1) and a malformed one (exit 2)", async () => {
    await admin.skein("project", "create", "twice");
    const again = await admin.skein("project", "create", "twice");
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^error: .*twice.*already exists/);
    const bad = await admin.skein("project", "create", "Bad_Id");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error: .*project\.id/);
  });

  it("lists task versions page by page, or all at once", async () => {
    expect((await admin.skein("register", tasks, "--version", "p1")).code).toBe(0);
    const all = await admin.skein("get", "tasks");
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/^NAME {5}VERSION {2}TYPE {8}CREATED\n/);
    expect(all.out).toMatch(/^shout {4}p1 {7}typescript {2}\S+ \S+$/m);
    expect(all.out).toMatch(/^whisper {2}p1 {7}typescript {2}\S+ \S+$/m);
    const first = await admin.skein("get", "tasks", "--limit", "1");
    expect(first.out.trim().split("\n")).toHaveLength(2);
    const token = /--token (\S+)/.exec(first.err)?.[1];
    expect(token).toBeDefined();
    const second = await admin.skein("get", "tasks", "--limit", "1", "--token", token ?? "");
    expect(second.out.trim().split("\n")).toHaveLength(2);
    expect(second.out).not.toBe(first.out);
    const everything = JSON.parse((await admin.skein("get", "tasks", "--limit", "1", "--all", "--json")).out) as { items: { id: { name: string } }[] };
    expect(everything.items.map((t) => t.id.name).sort()).toEqual(["shout", "whisper"]);
  });

  it("says when a list is empty and exits 2 for what cannot be listed or a bad limit", async () => {
    expect(await admin.skein("get", "tasks", "--domain", "staging")).toMatchObject({ code: 0, out: "no tasks in default/staging\n" });
    const what = await admin.skein("get", "gizmos");
    expect(what.code).toBe(2);
    expect(what.err).toContain('get: "gizmos" is not something to get');
    expect((await admin.skein("get", "tasks", "--limit", "0")).code).toBe(2);
    expect((await admin.skein("get", "execution")).code).toBe(2);
    const plan = await admin.skein("launchplan", "activate", "wf");
    expect(plan.code).toBe(2);
    expect(plan.err).toContain("--version");
  });
});

describe("skein run --remote", () => {
  it("registers the file, creates an execution and prints its name", async () => {
    const { code, out, err } = await admin.skein("run", "--remote", tasks, "shout", "--text", "hi", "--times", "2");
    expect(err).toMatch(/^registered 2 entities in default\/development under version [0-9a-f]{20}\n/);
    expect(code).toBe(0);
    const name = out.trim();
    expect(name).toMatch(/^[a-z][-a-z0-9]*$/);
    expect(err).toContain(`follow it with: skein get execution ${name}`);
    expect(err).toContain(`\nwatch it in the console: ${admin.admin.url}/console/projects/default/domains/development/executions/${name}\n`);
    const shown = await admin.skein("get", "execution", name);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(new RegExp(`^execution {2}default/development/${name}$`, "m"));
    expect(shown.out).toMatch(/^target {5}task shout@[0-9a-f]{20}$/m);
  });

  it("runs a workflow by its default launch plan; --name before FILE names the execution, after ENTITY it is the input", async () => {
    const { code, out, err } = await admin.skein("run", "--remote", "--name", "ada-run", hello, "wf", "--name", "Ada");
    expect(err).not.toContain("error");
    expect(code).toBe(0);
    expect(out).toBe("ada-run\n");
    const again = await admin.skein("run", "--remote", "--name", "ada-run-2", hello, "wf", "--name", "Ada");
    expect(again.err).toMatch(/^all 3 entities were already registered in default\/development under version [0-9a-f]{20}\n/);
    const listed = await admin.skein("get", "executions");
    expect(listed.out).toMatch(/^ada-run\s+\S+\s+wf@[0-9a-f]{20}\s/m);
  });

  it("parses inputs by their declared types and exits 2 on bad ones or bad options", async () => {
    const typed = await admin.skein("run", "--remote", tasks, "shout", "--text", "hi", "--times", "many");
    expect(typed.code).toBe(2);
    expect(typed.err).toContain("--times");
    const name = await admin.skein("run", "--remote", "--name", "Not Valid", tasks, "whisper", "--text", "x");
    expect(name.code).toBe(2);
    expect(name.err).toContain('--name: "Not Valid" is not a valid execution name');
    const local = await admin.skein("run", "--wait", tasks, "whisper", "--text", "x");
    expect(local.code).toBe(2);
    expect(local.err).toContain("add --remote");
  });
});

describe("--endpoint", () => {
  // SKEIN_ENDPOINT points at a port nothing listens on, so only the flag can reach admin.
  async function skein(...argv: string[]) {
    const io = { out: "", err: "" };
    const code = await runCli(argv, { out: (t) => (io.out += t), err: (t) => (io.err += t), env: { SKEIN_ENDPOINT: "http://127.0.0.1:9" } });
    return { code, ...io };
  }

  it("is read before or after the command, for every command that talks to admin", async () => {
    const url = admin.admin.url;
    for (const argv of [
      ["--endpoint", url, "get", "projects"],
      ["get", "projects", "--endpoint", url],
      [`--endpoint=${url}`, "get", "projects"],
      ["get", "projects", `--endpoint=${url}`],
    ]) {
      const listed = await skein(...argv);
      expect(listed, argv.join(" ")).toMatchObject({ code: 0, err: "" });
      expect(listed.out).toMatch(/^ID +NAME/);
    }
    expect(await skein("--endpoint", url, "project", "create", "before")).toMatchObject({ code: 0, out: "created project before (domains: development, staging, production)\n" });
    expect(await skein("project", "create", "after", "--endpoint", url)).toMatchObject({ code: 0, out: "created project after (domains: development, staging, production)\n" });
    expect((await skein("--endpoint", url, "register", tasks, "--version", "e1")).code).toBe(0);
    expect((await skein("register", tasks, "--version", "e2", "--endpoint", url)).code).toBe(0);
    // After the command wins over before it, as the nearer flag.
    expect((await skein("--endpoint", "http://127.0.0.1:9", "get", "tasks", "--endpoint", url)).code).toBe(0);
  });

  it("reaches admin for remote runs when written before run, before FILE or after ENTITY", async () => {
    const url = admin.admin.url;
    for (const [name, argv] of [
      ["ep-before-run", ["--endpoint", url, "run", "--remote", "--name", "ep-before-run", tasks, "whisper", "--text", "x"]],
      ["ep-before-file", ["run", "--remote", "--endpoint", url, "--name", "ep-before-file", tasks, "whisper", "--text", "x"]],
      ["ep-after-entity", ["run", "--remote", "--name", "ep-after-entity", tasks, "whisper", "--text", "x", "--endpoint", url]],
    ] as const) {
      const ran = await skein(...argv);
      expect(ran.err, argv.join(" ")).not.toContain("error");
      expect(ran).toMatchObject({ code: 0, out: `${name}\n` });
    }
    // A local run has no use for an endpoint: said, not ignored.
    const local = await skein("--endpoint", url, "run", tasks, "whisper", "--text", "x");
    expect(local.code).toBe(2);
    expect(local.err).toContain("--endpoint before FILE is an option of remote runs: add --remote");
  });

  it("names the endpoint it could not reach, and exits 2 for a malformed one", async () => {
    const down = await skein("get", "projects");
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^error: cannot reach admin at http:\/\/127\.0\.0\.1:9 /);
    for (const argv of [["--endpoint", "ftp://x", "get", "projects"], ["get", "projects", "--endpoint", "ftp://x"]]) {
      const bad = await skein(...argv);
      expect(bad.code, argv.join(" ")).toBe(2);
      expect(bad.err).toContain('--endpoint: "ftp://x" must use http:// or https://');
    }
  });
});
