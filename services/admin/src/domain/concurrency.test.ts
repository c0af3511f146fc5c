import { Code, ConnectError } from "@connectrpc/connect";
import { ResourceType } from "@skein/idl";
import { ConcurrencyBehavior } from "@skein/idl/admin/v1";
import { createLogger, createMemorySink } from "@skein/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAdminConfig } from "../config.js";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { failure } from "../test-support/call-failure.js";
import { DOMAIN, inputs, int, PROJECT, registerLaunchPlan, registerWorld } from "../test-support/execution-fixtures.js";
import { ProjectRepository } from "../repositories/project-repository.js";
import { configuredDomains } from "./domains.js";
import { executionManagers } from "./execution-managers.js";

// The launch plan concurrency limit under parallel CreateExecution calls, on whichever database the
// run uses (PostgreSQL with SKEIN_TEST_DATABASE_URL, PGlite otherwise).

let admin: InProcessAdmin;
beforeAll(async () => {
  admin = await createInProcessAdmin();
  await registerWorld(admin.client);
});
afterAll(() => admin.destroy());

const create = (lpName: string, name: string) =>
  admin.client.createExecution({
    project: PROJECT,
    domain: DOMAIN,
    name,
    target: { case: "launchPlanId", value: { $typeName: "skein.core.v1.Identifier", resourceType: ResourceType.LAUNCH_PLAN, project: PROJECT, domain: DOMAIN, name: lpName, version: "v1" } },
    inputs: inputs({ x: int(1) }),
  });

async function phaseCounts(lpName: string): Promise<{ admitted: number; waiting: number }> {
  const rows = await admin.db.selectFrom("execution").select(["admission"]).where("target_name", "=", lpName).execute();
  return { admitted: rows.filter((r) => r.admission === "admitted").length, waiting: rows.filter((r) => r.admission === "waiting").length };
}

describe("launch plan concurrency policy", () => {
  it("admits exactly max of 20 parallel creations under SKIP and refuses the rest with ResourceExhausted", async () => {
    await registerLaunchPlan(admin.client, "skip", { concurrencyPolicy: { max: 3, behavior: ConcurrencyBehavior.SKIP } });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => create("skip", `skip-${i}`)));
    const admitted = results.filter((r) => r.status === "fulfilled");
    const refused = results.flatMap((r) => (r.status === "rejected" ? [ConnectError.from(r.reason)] : []));
    expect(admitted).toHaveLength(3);
    expect(refused).toHaveLength(17);
    for (const error of refused) expect(error.code).toBe(Code.ResourceExhausted);
    expect(refused[0]?.rawMessage).toContain("concurrency_policy.max = 3");
    expect(await phaseCounts("skip")).toEqual({ admitted: 3, waiting: 0 });
    // A finished execution frees its slot.
    const first = admitted[0]?.status === "fulfilled" ? admitted[0].value.id!.name : "";
    await admin.db.updateTable("execution").set({ phase: "succeeded" }).where("name", "=", first).execute();
    await create("skip", "skip-late");
    expect((await failure(create("skip", "skip-later"))).code).toBe(Code.ResourceExhausted);
  });

  it("counts every version of the launch plan name", async () => {
    await registerLaunchPlan(admin.client, "versions", { concurrencyPolicy: { max: 1 } });
    await create("versions", "versions-1");
    // An unspecified behavior is SKIP.
    expect((await failure(create("versions", "versions-2"))).code).toBe(Code.ResourceExhausted);
  });

  it("keeps executions beyond max QUEUED without a cluster under QUEUE and admits them in creation order", async () => {
    await registerLaunchPlan(admin.client, "queue", { concurrencyPolicy: { max: 2, behavior: ConcurrencyBehavior.QUEUE } });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => create("queue", `queue-${String(i).padStart(2, "0")}`)));
    expect(results.every((r) => r.created)).toBe(true);
    expect(await phaseCounts("queue")).toEqual({ admitted: 2, waiting: 18 });
    const waiting = await admin.db.selectFrom("execution").select(["name", "cluster", "reason", "created_at"]).where("admission", "=", "waiting").where("target_name", "=", "queue").orderBy("created_at").orderBy("name").execute();
    expect(waiting.every((w) => w.cluster === "" && w.reason.startsWith("waiting for a concurrency slot"))).toBe(true);

    const sink = createMemorySink();
    const config = { ...loadAdminConfig({}, {}) };
    const { creator } = executionManagers(
      { db: admin.db, logger: createLogger({ component: "test", sink }), clock: admin.clock, config, blobs: admin.blobs, dispatcher: admin.dispatcher },
      new ProjectRepository(admin.db),
      configuredDomains(config.domains),
      createLogger({ component: "test", sink }),
    );
    const lpName = { project: PROJECT, domain: DOMAIN, name: "queue" };
    expect(await creator.promoteWaiting(lpName)).toBe(0);
    const running = await admin.db.selectFrom("execution").select("name").where("admission", "=", "admitted").where("target_name", "=", "queue").execute();
    await admin.db.updateTable("execution").set({ phase: "succeeded" }).where("name", "=", running[0]!.name).execute();
    expect(await creator.promoteWaiting(lpName)).toBe(1);
    const promoted = await admin.client.getExecution({ id: { project: PROJECT, domain: DOMAIN, name: waiting[0]!.name } });
    expect(promoted.execution?.closure?.cluster).toBe("local");
    expect(await phaseCounts("queue")).toEqual({ admitted: 3, waiting: 17 });
    // Terminating a held-back execution ends it at once: it never reached a cluster.
    await admin.client.terminateExecution({ id: { project: PROJECT, domain: DOMAIN, name: waiting[1]!.name }, cause: "changed my mind" });
    const stopped = await admin.db.selectFrom("execution").select("phase").where("name", "=", waiting[1]!.name).executeTakeFirstOrThrow();
    expect(stopped.phase).toBe("aborted");
  });
});
