import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { CatalogCacheStatus, NodeExecutionPhase, ResourceType, TaskExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";
import { EventOutcome, type Event } from "@skein/idl/admin/v1";
import { createAdminClient, type AdminClient } from "@skein/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestAdmin, type TestAdmin } from "../remote/test-admin.test-util.js";

// Fixture code lives inside the repository so that it resolves @skein/sdk like user code does.
const scratch = mkdtempSync(join(fileURLToPath(new URL("../../", import.meta.url)), ".test-tree-"));
const tasks = join(scratch, "tasks.ts");
writeFileSync(
  tasks,
  [
    `import { t, task, workflow } from "@skein/sdk";`,
    `export const shout = task({ name: "shout", inputs: { text: t.string() }, outputs: t.string() }, async ({ text }) => text.toUpperCase());`,
    `export const pipeline = workflow({ name: "pipeline", inputs: { text: t.string() }, outputs: t.string() }, ({ text }) => shout({ text }));`,
    "",
  ].join("\n"),
);
const remoteRunsDoc = readFileSync(fileURLToPath(new URL("../../../../docs/remote-runs.md", import.meta.url)), "utf8");

let admin: TestAdmin;
let client: AdminClient;
beforeAll(async () => {
  admin = await startTestAdmin();
  client = createAdminClient(admin.admin.url);
  expect((await admin.skein("register", tasks, "--version", "t1")).code).toBe(0);
});
afterAll(async () => {
  await admin.close();
  rmSync(scratch, { recursive: true, force: true });
});

// Events as the data plane reports them: the in-process stand-in assigns every execution to
// cluster "local" at epoch 1. Times are seconds after T0, so the printed timings are exact.
const T0 = Date.UTC(2030, 0, 2, 3, 4, 0);
const at = (seconds: number) => timestampFromMs(T0 + seconds * 1000);
const owner = { producerId: "local", epoch: 1n };
const executionId = (name: string) => ({ project: "default", domain: "development", name });
const taskId = { resourceType: ResourceType.TASK, project: "default", domain: "development", name: "shout", version: "t1" };
type Failure = { code: string; message: string };
const result = (error?: Failure) => (error ? { case: "error" as const, value: error } : { case: undefined });

function workflowEvent(name: string, phase: WorkflowExecutionPhase, seconds: number, error?: Failure): Event {
  return { kind: { case: "workflowEvent", value: { executionId: executionId(name), ...owner, phase, occurredAt: at(seconds), outputResult: result(error) } } } as Event;
}

interface NodeOptions {
  readonly name: string;
  readonly parent?: string;
  readonly isParent?: boolean;
  readonly cache?: CatalogCacheStatus;
  readonly error?: Failure;
}

function nodeEvent(execution: string, nodeId: string, phase: NodeExecutionPhase, seconds: number, options: NodeOptions): Event {
  return {
    kind: {
      case: "nodeEvent",
      value: {
        id: { nodeId, executionId: executionId(execution) },
        ...owner,
        phase,
        occurredAt: at(seconds),
        nodeName: options.name,
        isParent: options.isParent ?? false,
        parentNodeMetadata: options.parent === undefined ? undefined : { nodeId: options.parent },
        targetMetadata: options.cache === undefined ? { case: undefined } : { case: "taskNodeMetadata", value: { cacheStatus: options.cache } },
        outputResult: result(options.error),
      },
    },
  } as Event;
}

function taskEvent(execution: string, nodeId: string, attempt: number, phase: TaskExecutionPhase, seconds: number, error?: Failure): Event {
  return {
    kind: {
      case: "taskEvent",
      value: { taskId, parentNodeExecutionId: { nodeId, executionId: executionId(execution) }, retryAttempt: attempt, ...owner, phase, occurredAt: at(seconds), outputResult: result(error) },
    },
  } as Event;
}

/** A run with every kind of node: a plain one, one retried twice, a parent with a nested and a cached child, and one that failed. */
function history(name: string): Event[] {
  const N = NodeExecutionPhase;
  const T = TaskExecutionPhase;
  return [
    workflowEvent(name, WorkflowExecutionPhase.RUNNING, 0),
    nodeEvent(name, "n0", N.RUNNING, 1, { name: "prepare", cache: CatalogCacheStatus.MISS }),
    taskEvent(name, "n0", 0, T.RUNNING, 1),
    taskEvent(name, "n0", 0, T.SUCCEEDED, 3),
    nodeEvent(name, "n0", N.SUCCEEDED, 3, { name: "prepare", cache: CatalogCacheStatus.POPULATED }),
    nodeEvent(name, "n1", N.RUNNING, 3, { name: "train" }),
    taskEvent(name, "n1", 0, T.RUNNING, 3),
    taskEvent(name, "n1", 0, T.RETRYABLE_FAILED, 4, { code: "OOM", message: "out of memory" }),
    taskEvent(name, "n1", 1, T.RUNNING, 5),
    taskEvent(name, "n1", 1, T.RETRYABLE_FAILED, 7, { code: "Timeout", message: "took longer than 2s" }),
    taskEvent(name, "n1", 2, T.RUNNING, 8),
    taskEvent(name, "n1", 2, T.SUCCEEDED, 20),
    nodeEvent(name, "n1", N.SUCCEEDED, 20, { name: "train" }),
    nodeEvent(name, "n2", N.RUNNING, 20, { name: "evaluate", isParent: true }),
    nodeEvent(name, "n2-0-n0", N.RUNNING, 21, { name: "score", parent: "n2" }),
    taskEvent(name, "n2-0-n0", 0, T.RUNNING, 21),
    taskEvent(name, "n2-0-n0", 0, T.SUCCEEDED, 22),
    nodeEvent(name, "n2-0-n0", N.SUCCEEDED, 22, { name: "score", parent: "n2" }),
    nodeEvent(name, "n2-0-n1", N.QUEUED, 22, { name: "lookup", parent: "n2" }),
    nodeEvent(name, "n2-0-n1", N.SUCCEEDED, 22, { name: "lookup", parent: "n2", cache: CatalogCacheStatus.HIT }),
    nodeEvent(name, "n2", N.SUCCEEDED, 22, { name: "evaluate", isParent: true }),
    nodeEvent(name, "n3", N.RUNNING, 22, { name: "publish" }),
    taskEvent(name, "n3", 0, T.RUNNING, 22),
    taskEvent(name, "n3", 0, T.FAILED, 85, { code: "IOError", message: "disk full" }),
    nodeEvent(name, "n3", N.FAILED, 85, { name: "publish", error: { code: "IOError", message: "disk full" } }),
    workflowEvent(name, WorkflowExecutionPhase.FAILED, 85, { code: "IOError", message: "node n3 failed: disk full" }),
  ];
}

async function ranAndFailed(name: string): Promise<void> {
  expect((await admin.skein("run", "--remote", "--version", "t1", "--name", name, tasks, "pipeline", "--text", "hi")).code).toBe(0);
  // In one batch, as a data plane sends them; every event must be accepted.
  const { results } = await client.createEvents({ events: history(name) });
  expect(results.map((r) => [r.outcome, r.message])).toEqual(results.map(() => [EventOutcome.ACCEPTED, ""]));
}

describe("skein get execution with node records", () => {
  it("prints the node tree: phases, attempts, cache use, timings, nesting and errors", async () => {
    await ranAndFailed("nightly");
    const shown = await admin.skein("get", "execution", "nightly");
    expect(shown.err).toBe("");
    expect(shown.code).toBe(0);
    // `created` is admin's clock when the execution was created; everything else comes from the events.
    expect(shown.out.replace(/^created {4}\S+ \S+$/m, "created    <now>")).toBe(
      [
        "execution  default/development/nightly",
        "target     pipeline@t1",
        "phase      FAILED",
        "cluster    local",
        "created    <now>",
        "started    2030-01-02 03:04:00Z",
        "duration   1m25s",
        "error      IOError: node n3 failed: disk full",
        "",
        "NODE              PHASE             ATTEMPTS  CACHE      STARTED               DURATION",
        "n0 prepare        SUCCEEDED         1         POPULATED  2030-01-02 03:04:01Z  2.0s",
        "n1 train          SUCCEEDED         3         -          2030-01-02 03:04:03Z  17.0s",
        // Admin records no duration for an attempt that failed and was retried.
        "  attempt 1       RETRYABLE_FAILED                       2030-01-02 03:04:03Z  -",
        "  attempt 2       RETRYABLE_FAILED                       2030-01-02 03:04:05Z  -",
        "  attempt 3       SUCCEEDED                              2030-01-02 03:04:08Z  12.0s",
        "n2 evaluate       SUCCEEDED         -         -          2030-01-02 03:04:20Z  2.0s",
        "  n2-0-n0 score   SUCCEEDED         1         -          2030-01-02 03:04:21Z  1.0s",
        "  n2-0-n1 lookup  SUCCEEDED         0         HIT        -                     0ms",
        "n3 publish        FAILED            1         -          2030-01-02 03:04:22Z  1m03s",
        "",
        "FAILED              ERROR",
        "n1 train attempt 1  OOM: out of memory",
        "n1 train attempt 2  Timeout: took longer than 2s",
        "n3 publish          IOError: disk full",
        "",
      ].join("\n"),
    );
    // docs/remote-runs.md shows this very output (with a fixed creation time).
    const documented = `$ npx skein get execution nightly\n${shown.out.replace(/^created {4}\S+ \S+$/m, "created    2030-01-02 03:03:58Z")}`;
    expect(remoteRunsDoc).toContain(documented);
  });

  it("gives the same tree as JSON, each node with its attempts and children", async () => {
    await ranAndFailed("tree-json");
    const shown = await admin.skein("get", "execution", "tree-json", "--json");
    expect(shown.code).toBe(0);
    interface Attempt { id: { retry_attempt?: number }; closure: { phase: string; error?: { code: string } } }
    interface Node { node: { id: { node_id: string }; closure: { phase: string; error?: { message: string }; task_node_info?: { cache_status: string } } }; attempts: Attempt[]; children: Node[] }
    const json = JSON.parse(shown.out) as { execution: { id: { name: string }; closure: { phase: string; cluster: string } }; nodes: Node[] };
    expect(json.execution.id.name).toBe("tree-json");
    expect(json.execution.closure).toMatchObject({ phase: "WORKFLOW_EXECUTION_PHASE_FAILED", cluster: "local" });
    const outline = (nodes: Node[]): unknown[] => nodes.map((n) => [n.node.id.node_id, n.node.closure.phase.replace("NODE_EXECUTION_PHASE_", ""), n.attempts.length, outline(n.children)]);
    expect(outline(json.nodes)).toEqual([
      ["n0", "SUCCEEDED", 1, []],
      ["n1", "SUCCEEDED", 3, []],
      ["n2", "SUCCEEDED", 0, [["n2-0-n0", "SUCCEEDED", 1, []], ["n2-0-n1", "SUCCEEDED", 0, []]]],
      ["n3", "FAILED", 1, []],
    ]);
    const train = json.nodes[1];
    expect(train?.attempts.map((a) => [a.id.retry_attempt ?? 0, a.closure.phase, a.closure.error?.code])).toEqual([
      [0, "TASK_EXECUTION_PHASE_RETRYABLE_FAILED", "OOM"],
      [1, "TASK_EXECUTION_PHASE_RETRYABLE_FAILED", "Timeout"],
      [2, "TASK_EXECUTION_PHASE_SUCCEEDED", undefined],
    ]);
    expect(json.nodes[2]?.children[1]?.node.closure.task_node_info?.cache_status).toBe("CATALOG_CACHE_STATUS_HIT");
    expect(json.nodes[3]?.node.closure.error?.message).toBe("disk full");
  });

  it("says when no node has reported yet, and exits 1 for an unknown execution", async () => {
    expect((await admin.skein("run", "--remote", "--version", "t1", "--name", "quiet", tasks, "shout", "--text", "hi")).code).toBe(0);
    const quiet = await admin.skein("get", "execution", "quiet");
    expect(quiet.code).toBe(0);
    expect(quiet.out).toMatch(/^phase {6}QUEUED\n/m);
    expect(quiet.out).toMatch(/\n\nnodes: none reported yet\n$/);
    expect(JSON.parse((await admin.skein("get", "execution", "quiet", "--json")).out)).toMatchObject({ nodes: [] });
    const missing = await admin.skein("get", "execution", "nobody");
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error: .*nobody.*not found\n$/);
  });
});
