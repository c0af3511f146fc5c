import { Code, ConnectError } from "@connectrpc/connect";
import { NodeExecutionPhase as N, TaskExecutionPhase as T } from "@skein/idl";
import { SortDirection } from "@skein/idl/admin/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutionRepository } from "../repositories/execution-repository.js";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { batch, insertExecution, nodeEvent, taskEvent } from "../test-support/event-fixtures.js";

let admin: InProcessAdmin;
const executionId = { project: "proj", domain: "development", name: "tree" };
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await admin.client.registerProject({ project: { id: "proj" } });
  await insertExecution(admin.db, "tree");
  // Top level: a, b (a branch node with two children), c; the children are nested under b.
  const events = [
    nodeEvent("tree", "a", N.SUCCEEDED, 1, { specNodeId: "a" }),
    nodeEvent("tree", "b", N.RUNNING, 2, { isParent: true }),
    nodeEvent("tree", "b-0-x", N.SUCCEEDED, 3, { parentNodeMetadata: { nodeId: "b" }, retryGroup: "0", specNodeId: "x" }),
    nodeEvent("tree", "b-0-y", N.FAILED, 4, { parentNodeMetadata: { nodeId: "b" }, retryGroup: "0", specNodeId: "y" }),
    nodeEvent("tree", "c", N.QUEUED, 5),
    taskEvent("tree", "a", 0, T.SUCCEEDED, 1),
  ];
  for (const [i, event] of events.entries()) {
    admin.clock.advance(1_000 * (i + 1));
    await admin.client.createEvents({ events: batch(event) });
  }
});
afterAll(() => admin.destroy());

async function ids(request: { parentNodeId?: string; limit?: number; filters?: string; sortKey?: string; direction?: SortDirection }): Promise<string[]> {
  const seen: string[] = [];
  let token = "";
  do {
    const sortBy = request.sortKey === undefined ? undefined : { key: request.sortKey, direction: request.direction };
    const page = await admin.client.listNodeExecutions({ executionId, parentNodeId: request.parentNodeId, limit: request.limit ?? 100, filters: request.filters, token, sortBy });
    seen.push(...page.nodeExecutions.map((n) => n.id?.nodeId ?? ""));
    token = page.nextToken;
  } while (token !== "");
  return seen;
}

describe("ListNodeExecutions", () => {
  it("lists the top level or the children of one parent, newest first, page by page", async () => {
    expect(await ids({ limit: 2 })).toEqual(["c", "b", "a"]);
    expect(await ids({ parentNodeId: "b", limit: 1 })).toEqual(["b-0-y", "b-0-x"]);
    expect(await ids({ sortKey: "node_id", direction: SortDirection.ASCENDING, limit: 2 })).toEqual(["a", "b", "c"]);
    expect(await ids({ sortKey: "started_at", direction: SortDirection.ASCENDING })).toEqual(["b", "a", "c"]);
  });

  it("filters by the documented keys and refuses others", async () => {
    expect(await ids({ filters: "value_in(phase,SUCCEEDED;QUEUED)" })).toEqual(["c", "a"]);
    expect(await ids({ filters: "eq(is_parent,true)" })).toEqual(["b"]);
    expect(await ids({ parentNodeId: "b", filters: "eq(spec_node_id,y)" })).toEqual(["b-0-y"]);
    const error = await admin.client.listNodeExecutions({ executionId, filters: "eq(colour,red)" }).then(
      () => expect.fail("expected the call to fail"),
      (e: unknown) => ConnectError.from(e),
    );
    expect(error.code).toBe(Code.InvalidArgument);
  });

  it("answers NotFound for an unknown execution or node", async () => {
    const missing = await admin.client.listNodeExecutions({ executionId: { ...executionId, name: "ghost" } }).then(
      () => expect.fail("expected the call to fail"),
      (e: unknown) => ConnectError.from(e),
    );
    expect(missing.code).toBe(Code.NotFound);
    const node = await admin.client.getNodeExecution({ id: { nodeId: "zzz", executionId } }).then(
      () => expect.fail("expected the call to fail"),
      (e: unknown) => ConnectError.from(e),
    );
    expect(node).toMatchObject({ code: Code.NotFound, rawMessage: 'node execution "proj/development/tree/zzz" not found' });
  });

  it("goes with its execution: deleting the execution deletes nodes, attempts and changes", async () => {
    await new ExecutionRepository(admin.db).delete({ project: "proj", domain: "development", name: "tree" });
    for (const table of ["node_execution", "task_execution", "execution_change"] as const) {
      const rows = await admin.db.selectFrom(table).select("project").where("execution_name", "=", "tree").execute();
      expect(rows, table).toEqual([]);
    }
  });
});
