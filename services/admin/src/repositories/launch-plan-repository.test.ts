import { create } from "@bufbuild/protobuf";
import { CompiledWorkflowClosureSchema } from "@skein/idl";
import { LaunchPlanSpecSchema } from "@skein/idl/admin/v1";
import type { TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAdminTestDatabase } from "../test-support/admin-fixture.js";
import { launchPlanId, workflowId } from "../test-support/registration-fixtures.js";
import type { AdminDatabase } from "./database.js";
import { LaunchPlanRepository } from "./launch-plan-repository.js";
import { launchPlanFromRow, launchPlanToNewRow } from "./transformers/launch-plan-transformer.js";
import { compiledClosureFromRow, workflowToNewRow } from "./transformers/workflow-transformer.js";
import { WorkflowRepository } from "./workflow-repository.js";

let database: TestDatabase;
let db: Kysely<AdminDatabase>;
let repo: LaunchPlanRepository;
const at = new Date("2025-01-01T00:00:00Z");
const wf = workflowId("wf");
beforeAll(async () => {
  database = await createAdminTestDatabase();
  db = database.db as Kysely<AdminDatabase>;
  repo = new LaunchPlanRepository(db);
  await db.insertInto("project").values({ id: "proj", name: "proj", labels: "{}", state: "active", created_at: at, updated_at: at }).execute();
  const closure = create(CompiledWorkflowClosureSchema, { primary: { template: { id: wf } } });
  const workflows = new WorkflowRepository(db);
  await workflows.insertIfAbsent(workflowToNewRow(wf, closure, "d", "", at));
  expect(compiledClosureFromRow(await workflows.get(wf))).toEqual(closure);
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await db.deleteFrom("launch_plan").execute();
});

function row(name: string, version: string, scheduled = false) {
  const spec = create(LaunchPlanSpecSchema, { workflowId: wf, schedule: scheduled ? { kind: { case: "cron", value: { expression: "@daily" } } } : undefined });
  return launchPlanToNewRow(launchPlanId(name, version), spec, { expectedInputs: { $typeName: "skein.core.v1.ParameterMap", parameters: {} }, expectedOutputs: { $typeName: "skein.core.v1.VariableMap", variables: {} } }, `d-${version}`, at);
}

const key = (name: string, version: string) => ({ project: "proj", domain: "development", name, version });

describe("LaunchPlanRepository", () => {
  it("round-trips a version as the API message, inactive", async () => {
    const inserted = await repo.insertIfAbsent(row("lp", "v1", true));
    expect(inserted).toMatchObject({ workflow_name: "wf", workflow_version: "v1", active: false, has_schedule: true, state: "active" });
    const plan = launchPlanFromRow(await repo.get(key("lp", "v1")));
    expect(plan.spec?.schedule?.kind.case).toBe("cron");
    expect(plan.closure?.digest).toBe("d-v1");
    expect(await repo.insertIfAbsent(row("lp", "v1"))).toBeUndefined();
  });

  it("refuses a second active version of a name at the database level", async () => {
    await repo.insertIfAbsent(row("lp", "v1"));
    await repo.insertIfAbsent(row("lp", "v2"));
    await db.updateTable("launch_plan").set({ active: true }).where("version", "=", "v1").execute();
    await expect(db.updateTable("launch_plan").set({ active: true }).where("version", "=", "v2").execute()).rejects.toMatchObject({ code: "23505" });
  });

  it("activates under the name's lock, deactivating the previous version, and lists active scheduled versions", async () => {
    await repo.insertIfAbsent(row("lp", "v1", true));
    await repo.insertIfAbsent(row("lp", "v2", true));
    await repo.insertIfAbsent(row("plain", "v1", false));
    const later = new Date("2025-01-02T00:00:00Z");
    for (const version of ["v1", "v2"]) {
      await db.transaction().execute(async (trx) => {
        await repo.lockName(key("lp", version), trx);
        await repo.activate(key("lp", version), later, trx);
      });
    }
    await db.transaction().execute(async (trx) => {
      await repo.activate(key("plain", "v1"), later, trx);
    });
    expect((await repo.getActive({ project: "proj", domain: "development", name: "lp" })).version).toBe("v2");
    expect((await repo.get(key("lp", "v1"))).updated_at).toEqual(later);
    expect((await repo.listActiveScheduled()).map((r) => `${r.name}@${r.version}`)).toEqual(["lp@v2"]);
  });

  it("refuses to archive an active version (check constraint) and a launch plan of an unknown workflow (foreign key)", async () => {
    await repo.insertIfAbsent(row("lp", "v1"));
    await db.transaction().execute((trx) => repo.activate(key("lp", "v1"), at, trx));
    await expect(repo.setState(key("lp", "v1"), "archived")).rejects.toMatchObject({ code: "23514" });
    await expect(repo.insertIfAbsent({ ...row("lp", "v9"), workflow_version: "v404" })).rejects.toMatchObject({ code: "23503" });
  });
});
