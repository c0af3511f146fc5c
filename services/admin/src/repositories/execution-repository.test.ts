import { create, toBinary } from "@bufbuild/protobuf";
import { ExecutionMode, ExecutionSpecSchema } from "@skein/idl/admin/v1";
import { Code } from "@connectrpc/connect";
import type { TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAdminTestDatabase } from "../test-support/admin-fixture.js";
import type { AdminDatabase, ExecutionRowPhase, NewExecutionRow } from "./database.js";
import { ExecutionRepository } from "./execution-repository.js";
import { executionFromRow, int8 } from "./transformers/execution-transformer.js";

let database: TestDatabase;
let db: Kysely<AdminDatabase>;
let repo: ExecutionRepository;
const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute));

beforeAll(async () => {
  database = await createAdminTestDatabase();
  db = database.db as Kysely<AdminDatabase>;
  repo = new ExecutionRepository(db);
  await db.insertInto("project").values({ id: "proj", name: "proj", labels: "{}", state: "active", created_at: at(0), updated_at: at(0) }).execute();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await db.deleteFrom("execution").execute();
});

function row(name: string, minute: number, extra: Partial<NewExecutionRow> = {}): NewExecutionRow {
  const spec = create(ExecutionSpecSchema, { metadata: { mode: ExecutionMode.MANUAL } });
  return {
    project: "proj",
    domain: "development",
    name,
    target_kind: "launch_plan",
    target_project: "proj",
    target_domain: "development",
    target_name: "lp",
    target_version: "v1",
    workflow_name: "wf",
    workflow_version: "v1",
    spec: toBinary(ExecutionSpecSchema, spec),
    request_digest: `digest-${name}`,
    mode: "manual",
    labels: "{}",
    inputs: new Uint8Array([1, 2, 3]),
    inputs_uri: null,
    user_inputs: null,
    user_inputs_uri: "file:///tmp/x/user_inputs.pb",
    phase: "queued",
    admission: "admitted",
    assignment_epoch: 0,
    started_at: null,
    created_at: at(minute),
    updated_at: at(minute),
    state: "active",
    ...extra,
  };
}

const key = (name: string) => ({ project: "proj", domain: "development", name });
const lpName = { project: "proj", domain: "development", name: "lp" };

describe("ExecutionRepository", () => {
  it("round-trips a row, bytes and int8 columns included, and refuses a taken name", async () => {
    const inserted = await repo.insertIfAbsent(row("a1", 1, { assignment_epoch: 7n, duration_ms: 1500 }));
    expect(inserted?.name).toBe("a1");
    const stored = await repo.get(key("a1"));
    expect(new Uint8Array(stored.inputs ?? [])).toEqual(new Uint8Array([1, 2, 3]));
    expect(int8(stored.assignment_epoch)).toBe(7n);
    expect(stored.created_at).toEqual(at(1));
    const execution = executionFromRow(stored);
    expect(execution.closure?.assignmentEpoch).toBe(7n);
    expect(execution.closure?.duration?.seconds).toBe(1n);
    expect(execution.closure?.workflowId?.name).toBe("wf");
    expect(await repo.insertIfAbsent(row("a1", 2, { request_digest: "other" }))).toBeUndefined();
    expect((await repo.get(key("a1"))).request_digest).toBe("digest-a1");
  });

  it("answers NotFound naming the execution", async () => {
    await expect(repo.get(key("nope"))).rejects.toMatchObject({ code: Code.NotFound, rawMessage: 'execution "proj/development/nope" not found' });
  });

  it("counts admitted, non-terminal executions of a launch plan name over all versions", async () => {
    const phases: ExecutionRowPhase[] = ["undefined", "queued", "running", "aborting", "succeeded", "failed", "aborted", "timed_out"];
    for (const [i, phase] of phases.entries()) await repo.insertIfAbsent(row(`p${i}`, i, { phase, target_version: `v${i % 2}` }));
    await repo.insertIfAbsent(row("held", 20, { admission: "waiting" }));
    await repo.insertIfAbsent(row("other", 21, { target_name: "lp2" }));
    expect(await repo.countInFlight(lpName)).toBe(4);
    const waiting = await db.transaction().execute((trx) => repo.oldestWaiting(lpName, trx));
    expect(waiting?.name).toBe("held");
    expect(await repo.namesWithWaiting()).toEqual([lpName]);
  });

  it("moves only non-terminal executions to ABORTING, recording who and why", async () => {
    await repo.insertIfAbsent(row("live", 1));
    await repo.insertIfAbsent(row("done", 2, { phase: "succeeded" }));
    const aborted = await repo.markAborting(key("live"), "no longer needed", "ada", at(5));
    expect(aborted).toMatchObject({ phase: "aborting", abort_cause: "no longer needed", abort_principal: "ada" });
    expect(executionFromRow(aborted!).closure?.abortMetadata?.cause).toBe("no longer needed");
    expect(await repo.markAborting(key("done"), "x", "ada", at(5))).toBeUndefined();
    expect((await repo.get(key("done"))).phase).toBe("succeeded");
  });

  it("archives, finds references, and deletes", async () => {
    await repo.insertIfAbsent(row("a1", 1));
    await repo.insertIfAbsent(row("t1", 2, { target_kind: "task", target_name: "t", workflow_name: null, workflow_version: null }));
    expect(await repo.setState(key("a1"), "archived", at(3))).toBe(true);
    expect(await repo.setState(key("zz"), "archived", at(3))).toBe(false);
    expect(await repo.anyByTarget("launch_plan", { ...lpName, version: "v1" })).toBe("a1");
    expect(await repo.anyByTarget("launch_plan", { ...lpName, version: "v2" })).toBeUndefined();
    expect(await repo.anyByTarget("task", { project: "proj", domain: "development", name: "t", version: "v1" })).toBe("t1");
    expect(await repo.anyByWorkflow({ project: "proj", domain: "development", name: "wf", version: "v1" })).toBe("a1");
    expect(executionFromRow(await repo.get(key("t1"))).closure?.workflowId?.name).toBe(".skeingen.t");
    expect(await repo.delete(key("a1"))).toBe(true);
    expect(await repo.delete(key("a1"))).toBe(false);
  });

  it("pages in keyset order, hiding archived rows unless asked, with nulls in a stable place", async () => {
    for (let i = 0; i < 7; i++) {
      await repo.insertIfAbsent(row(`e${i}`, i, { started_at: i % 3 === 0 ? null : at(10 + i), state: i === 5 ? "archived" : "active" }));
    }
    const page = async (sortKey: "created_at" | "started_at" | "name", descending: boolean, includeArchived: boolean) => {
      const names: string[] = [];
      let after: { value: string | number | null; name: string } | undefined;
      for (;;) {
        const rows = await repo.list({ project: "proj", domain: "development", sortKey, descending, limit: 2, includeArchived, ...(after ? { after } : {}) });
        names.push(...rows.map((r) => r.name));
        const last = rows.at(-1);
        if (rows.length < 2 || last === undefined) return names;
        const value = sortKey === "name" ? last.name : sortKey === "created_at" ? last.created_at.toISOString() : last.started_at?.toISOString() ?? null;
        after = { value, name: last.name };
      }
    };
    expect(await page("created_at", true, false)).toEqual(["e6", "e4", "e3", "e2", "e1", "e0"]);
    expect(await page("created_at", false, true)).toEqual(["e0", "e1", "e2", "e3", "e4", "e5", "e6"]);
    expect(await page("started_at", false, true)).toEqual(["e1", "e2", "e4", "e5", "e0", "e3", "e6"]);
    expect(await page("started_at", true, true)).toEqual(["e6", "e3", "e0", "e5", "e4", "e2", "e1"]);
    expect(await page("name", false, false)).toEqual(["e0", "e1", "e2", "e3", "e4", "e6"]);
  });
});
