import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../program.js";
import { startTestAdmin, type TestAdmin } from "../remote/test-admin.test-util.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const examples = join(root, "examples");
// Fixture code lives inside the repository so that it resolves @skein/sdk like user code does.
const scratch = mkdtempSync(join(fileURLToPath(new URL("../../", import.meta.url)), ".test-register-"));

function taskFile(dir: string, greeting: string): string {
  mkdirSync(join(scratch, dir), { recursive: true });
  const file = join(scratch, dir, "tasks.ts");
  writeFileSync(
    file,
    `import { t, task } from "@skein/sdk";\nexport const greet = task({ name: "greet", inputs: { name: t.string() }, outputs: t.string() }, async ({ name }) => \`${greeting}, \${name}!\`);\n`,
  );
  return join(scratch, dir);
}

let admin: TestAdmin;
beforeAll(async () => {
  admin = await startTestAdmin();
});
afterAll(async () => {
  await admin.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("skein register", () => {
  it("registers examples/, then finds every entity already registered", async () => {
    const first = await admin.skein("register", examples, "--project", "default", "--domain", "development");
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^registered\s+task\s+say_hello$/m);
    expect(first.out).toMatch(/^registered\s+workflow\s+wf$/m);
    expect(first.out).toMatch(/^registered\s+launch plan\s+wf$/m);
    const second = await admin.skein("register", examples);
    expect(second.code).toBe(0);
    const lines = second.out.split("\n").filter((l) => /^(registered|already registered)\s/.test(l));
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.every((l) => l.startsWith("already registered"))).toBe(true);
    expect(second.out).toMatch(/^already uploaded\s+code\s+sha256:/m);
  });

  it("computes the same version for the same code, a new one when the code changes", async () => {
    const version = async (dir: string) => /under version (\S+)/.exec((await admin.skein("register", dir, "--dry-run")).out)?.[1];
    const hello = await version(taskFile("same-a", "Hello"));
    expect(hello).toMatch(/^[0-9a-f]{20}$/);
    expect(await version(taskFile("same-b", "Hello"))).toBe(hello);
    expect(await version(taskFile("other", "Howdy"))).not.toBe(hello);
  });

  it("refuses the same version with different code: exit 1 and the difference", async () => {
    const first = await admin.skein("register", taskFile("v1-a", "Hello"), "--version", "v1");
    expect(first).toMatchObject({ code: 0, err: "" });
    expect(first.out).toMatch(/^registered\s+task\s+greet$/m);
    const changed = await admin.skein("register", taskFile("v1-b", "Bonjour"), "--version", "v1");
    expect(changed.code).toBe(1);
    expect(changed.out).toMatch(/^refused\s+task\s+greet$/m);
    expect(changed.err).toMatch(/^error: task .*greet.*already exists with different content/m);
    expect(changed.err).toContain("skein.code.bundle");
  });

  it("prints a JSON summary", async () => {
    const { code, out } = await admin.skein("register", taskFile("json", "Hi"), "--version", "j1", "--json");
    expect(code).toBe(0);
    const summary = JSON.parse(out) as { version: string; project: string; domain: string; bundle: { sha256: string; uri: string; created: boolean }; entities: unknown[] };
    expect(summary).toMatchObject({ version: "j1", project: "default", domain: "development", entities: [{ kind: "task", name: "greet", status: "registered" }] });
    expect(summary.bundle.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.bundle.uri).toMatch(new RegExp(`/code/default/development/${summary.bundle.sha256}\\.tar\\.gz$`));
    const again = JSON.parse((await admin.skein("register", taskFile("json", "Hi"), "--version", "j1", "--json")).out) as typeof summary;
    expect(again.entities).toEqual([{ kind: "task", name: "greet", status: "already registered" }]);
    expect(again.bundle.created).toBe(false);
  });

  it("exits 2 naming a bad path, version, project or missing argument", async () => {
    const missing = await admin.skein("register", join(scratch, "nope"));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^error: PATH: .*nope does not exist/);
    const version = await admin.skein("register", taskFile("flags", "Hi"), "--version", "a b");
    expect(version.code).toBe(2);
    expect(version.err).toContain('--version: "a b" is not a valid version');
    const project = await admin.skein("register", taskFile("flags", "Hi"), "--project", "Not_A_Label");
    expect(project.code).toBe(2);
    expect(project.err).toContain('--project: "Not_A_Label" is not a valid name');
    expect((await admin.skein("register")).code).toBe(2);
    const unknownProject = await admin.skein("register", taskFile("flags", "Hi"), "--project", "absent");
    expect(unknownProject.code).toBe(1);
    expect(unknownProject.err).toBe('error: project "absent" not found; create it with: skein project create absent\n');
  });

  it("exits 1 naming the endpoint when admin cannot be reached", async () => {
    const io = { out: "", err: "" };
    const code = await runCli(["register", taskFile("down", "Hi"), "--endpoint", "http://127.0.0.1:9"], { out: (t) => (io.out += t), err: (t) => (io.err += t), env: {} });
    expect(code).toBe(1);
    expect(io.err).toMatch(/^error: cannot reach admin at http:\/\/127\.0\.0\.1:9 /);
  });
});
