import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../program.js";
import { startTestAdmin, type TestAdmin } from "../remote/test-admin.test-util.js";
import { excerptsOf, matchesOutput, normalize, shellWords, transcriptsOf, type HttpStep, type Step } from "./transcripts.test-util.js";

// Every command the user docs show runs here, in-process, from the repository root (as the docs
// write paths), and must print what the docs say it prints and exit as they say. Code excerpts in
// the docs must be found in the example files. See transcripts.test-util.ts for the conventions.

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const docsDir = join(root, "docs");
const pages = ["writing-workflows.md", "types.md", "caching.md", "running-locally.md", "registering.md", "remote-runs.md", "control-plane.md"];
// Pages whose commands talk to admin: each gets a fresh admin of its own, so that it reads (and
// runs) on its own from the top, as a reader following it would.
const remotePages = new Set(["registering.md", "remote-runs.md", "control-plane.md"]);
// The address the docs use for admin; each remote page's commands go to its own admin instead.
const docsEndpoint = "http://localhost:8088";
const scratch: string[] = [];
const startDir = process.cwd();

beforeAll(() => {
  process.chdir(root);
});
afterAll(() => {
  process.chdir(startDir);
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  readonly code: number;
  readonly out: string;
  /** stdout and stderr interleaved as written. */
  readonly both: string;
}

/** Runs `skein` with `--data-dir` inside `dataDir` (a relative `--data-dir X` becomes `dataDir/X`). */
async function skein(argv: readonly string[], dataDir: string, watch?: { abort: AbortSignal; onErr: (text: string) => void }, env: Record<string, string> = {}): Promise<Outcome> {
  const args = [...argv];
  if (args[0] === "run") {
    const at = args.indexOf("--data-dir");
    const given = at === -1 ? undefined : args[at + 1];
    if (given === undefined) args.push("--data-dir", dataDir);
    else if (!isAbsolute(given)) args[at + 1] = join(dataDir, given);
  }
  let out = "";
  let both = "";
  const code = await runCli(args, {
    out: (text) => {
      out += text;
      both += text;
    },
    err: (text) => {
      both += text;
      watch?.onErr(text);
    },
    env,
    abort: watch?.abort,
  });
  return { code, out, both };
}

/** What `curl` prints for a JSON POST: the response body, whatever the status (curl exits 0 without -f). */
async function post(request: HttpStep, endpoint: string | undefined): Promise<Outcome> {
  if (endpoint === undefined || !request.url.startsWith(docsEndpoint)) throw new Error(`curl steps must call ${docsEndpoint} on a page with an admin: ${request.url}`);
  const response = await fetch(endpoint + request.url.slice(docsEndpoint.length), { method: "POST", headers: request.headers, body: request.body });
  const text = await response.text();
  return { code: 0, out: text, both: text };
}

function report(step: Step, outcome: Outcome): string {
  return `${step.command}\n--- expected (exit ${step.exitCode}) ---\n${step.expected}\n--- got (exit ${outcome.code}) ---\n${step.merged ? outcome.both : outcome.out}`;
}

describe.each(pages)("docs/%s", (page) => {
  const markdown = readFileSync(join(docsDir, page), "utf8");
  const steps = transcriptsOf(markdown);
  const dataDir = mkdtempSync(join(tmpdir(), "skein-docs-"));
  scratch.push(dataDir);
  let admin: TestAdmin | undefined;
  const env: Record<string, string> = {};
  beforeAll(async () => {
    if (!remotePages.has(page)) return;
    admin = await startTestAdmin();
    env.SKEIN_ENDPOINT = admin.admin.url;
  });
  afterAll(async () => {
    await admin?.close();
  });

  it("shows commands with their output", () => {
    expect(steps.length).toBeGreaterThan(0);
  });

  // Steps share the page's data directory and run in order: later commands may rely on earlier
  // ones (a cache hit after a first run).
  it.each(steps.map((step) => [`line ${step.line}: ${step.command}`, step] as const))("%s", async (_title, step) => {
    const raw = step.http ? await post(step.http, env.SKEIN_ENDPOINT) : await skein(step.argv, dataDir, undefined, env);
    // The pages show the sandbox's address; the test's admin listens on a port of its own.
    const asDocs = (text: string) => (env.SKEIN_ENDPOINT === undefined ? text : text.replaceAll(env.SKEIN_ENDPOINT, docsEndpoint));
    const outcome = { code: raw.code, out: asDocs(raw.out), both: asDocs(raw.both) };
    const ok = outcome.code === step.exitCode && matchesOutput(step.expected, step.merged ? outcome.both : outcome.out);
    expect(ok, report(step, outcome)).toBe(true);
  });

  it("quotes code that is in the example files", () => {
    for (const excerpt of excerptsOf(markdown)) {
      const source = readFileSync(join(root, excerpt.file), "utf8");
      let from = 0;
      for (const fragment of excerpt.fragments) {
        const at = source.indexOf(fragment, from);
        expect(at, `line ${excerpt.line}: not found in ${excerpt.file} (after offset ${from}):\n${fragment}`).toBeGreaterThanOrEqual(0);
        from = at + fragment.length;
      }
    }
  });
});

describe("the docs", () => {
  it("run every example file under examples/docs", () => {
    const commands = pages.flatMap((page) => transcriptsOf(readFileSync(join(docsDir, page), "utf8"))).map((s) => s.argv.join(" "));
    const files = readdirSync(join(root, "examples/docs")).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(commands.some((c) => c.includes(`examples/docs/${file}`)), `no command runs examples/docs/${file}`).toBe(true);
  });

  // `skein run` compiles without type checks; the examples readers copy must also type-check.
  it("use example files that type-check", async () => {
    const tsc = join(root, "node_modules/typescript/bin/tsc");
    const checked = await promisify(execFile)(process.execPath, [tsc, "-p", join(root, "examples/docs/tsconfig.json")]).then(
      () => "",
      (error: unknown) => String((error as { stdout?: unknown }).stdout ?? error),
    );
    expect(checked).toBe("");
  }, 120_000);

  it("describe Ctrl-C truthfully: the execution is aborted and skein exits 130", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "skein-docs-"));
    scratch.push(dataDir);
    const interrupt = new AbortController();
    // Ctrl-C while the workflow sleeps.
    const onErr = (text: string) => {
      if (/RUNNING +n3 sleep/.test(text)) interrupt.abort();
    };
    const argv = ["run", "examples/docs/gates.ts", "release", "--version", "1", "--signal", "ship=true", "--signal", "notes=x"];
    const outcome = await skein(argv, dataDir, { abort: interrupt.signal, onErr });
    expect(outcome.code, outcome.both).toBe(130);
    expect(outcome.both).toMatch(/ABORTED +n3 sleep/);
    expect(outcome.both).toContain("workflow ABORTED");
    expect(outcome.out).toBe("");
    expect(readFileSync(join(docsDir, "running-locally.md"), "utf8")).toMatch(/Ctrl-C[^\n]*\n?[^\n]*130/);
  });
});

describe("transcript conventions", () => {
  it("split commands as a shell does and refuse other shell syntax", () => {
    expect(shellWords(`npx skein run f.ts wf --name "Ada L" --tags '["a", "b"]' --x a\\ b`)).toEqual(["npx", "skein", "run", "f.ts", "wf", "--name", "Ada L", "--tags", '["a", "b"]', "--x", "a b"]);
    expect(shellWords(`--signal notes="say \\"hi\\""`)).toEqual(["--signal", 'notes=say "hi"']);
    expect(() => shellWords("npx skein run f.ts | head")).toThrow('shell syntax "|"');
    expect(() => shellWords('npx skein run "$HOME"')).toThrow("expansions are not supported");
  });

  it("read commands, outputs and exit codes from console blocks", () => {
    const md = ["text", "```console", "$ npx skein run a.ts wf", "one", "", "$ npx skein run a.ts bad 2>&1", "error: x", "$ echo $?", "2", "```", "```sh", "$ ignored", "```"].join("\n");
    expect(transcriptsOf(md)).toEqual([
      { command: "npx skein run a.ts wf", argv: ["run", "a.ts", "wf"], merged: false, expected: "one", exitCode: 0, line: 3 },
      { command: "npx skein run a.ts bad 2>&1", argv: ["run", "a.ts", "bad"], merged: true, expected: "error: x", exitCode: 2, line: 6 },
    ]);
    expect(() => transcriptsOf("```console\n$ ls\n```")).toThrow('line 2: only "npx skein ...", "curl ..." and "echo $?" can be run: ls');
    expect(() => transcriptsOf("```console\n$ npx skein run a.ts\n$ echo $?\nlots\n```")).toThrow('"echo $?" prints a number');
  });

  it("read curl requests, with commands continued over lines", () => {
    const md = ["```console", "$ curl -H 'Content-Type: application/json' \\", `    -d '{"a": 1}' \\`, "    http://localhost:8088/x.Y/Z", '{"b":2}', "$ npx skein get \\", "    executions", "```"].join("\n");
    expect(transcriptsOf(md)).toEqual([
      {
        command: `curl -H 'Content-Type: application/json' -d '{"a": 1}' http://localhost:8088/x.Y/Z`,
        argv: [],
        http: { url: "http://localhost:8088/x.Y/Z", body: '{"a": 1}', headers: { "Content-Type": "application/json" } },
        merged: false,
        expected: '{"b":2}',
        exitCode: 0,
        line: 2,
      },
      { command: "npx skein get executions", argv: ["get", "executions"], merged: false, expected: "", exitCode: 0, line: 6 },
    ]);
    expect(() => transcriptsOf("```console\n$ curl -X GET http://localhost:8088/a\n```")).toThrow("line 2: curl option -X is not supported in a transcript");
    expect(() => transcriptsOf("```console\n$ curl http://localhost:8088/a\n```")).toThrow("line 2: a curl step needs -d BODY and a URL");
    expect(() => transcriptsOf("```console\n$ npx skein get \\\n```")).toThrow("line 2: the command continues past the end of its block");
  });

  it("match outputs with ellipses and without elapsed times", () => {
    expect(matchesOutput("a\n...\nd", "a\nb\nc\nd\n")).toBe(true);
    expect(matchesOutput("a\n...\nd", "a\nd")).toBe(true);
    expect(matchesOutput("a\n...\nd", "a\nb")).toBe(false);
    expect(matchesOutput("error: ... failed", "error: task x failed")).toBe(true);
    expect(matchesOutput("[   0.01s] RUNNING   n0 f 0.00s (retry in 0.10s)", "[  12.34s] RUNNING   n0 f 3.21s (retry in 0.10s)")).toBe(true);
    expect(matchesOutput("RUNNING n0 f 0.00s (retry in 0.10s)", "RUNNING n0 f 0.00s (retry in 0.20s)")).toBe(false);
    expect(matchesOutput("", "")).toBe(true);
    expect(matchesOutput("", "x")).toBe(false);
    expect(normalize("x  \n\n")).toBe("x");
  });

  it("find excerpts and their fragments", () => {
    const md = ["```ts", "// examples/docs/a.ts", "const a = 1;", "// ...", "const b = 2;", "```", "```ts", "const free = 1;", "```"].join("\n");
    expect(excerptsOf(md)).toEqual([{ file: "examples/docs/a.ts", fragments: ["const a = 1;", "const b = 2;"], line: 2 }]);
  });
});
