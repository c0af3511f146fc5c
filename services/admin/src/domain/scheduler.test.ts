import { timestampDate } from "@bufbuild/protobuf/wkt";
import { simpleType } from "@skein/engine";
import { ResourceType, SimpleType } from "@skein/idl";
import { ExecutionMode, FixedRateUnit, LaunchPlanState } from "@skein/idl/admin/v1";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BackgroundLoop } from "@skein/server";
import { createAdminReplica, createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";
import { DOMAIN, int, PROJECT, registerLaunchPlan, registerWorld, str } from "../test-support/execution-fixtures.js";
import { scheduledExecutionName } from "./schedule-firings.js";

// Two admin replicas over one database, each running its scheduler loop on its own manual clock.
// The loops tick every 100 ms of real time; the clocks decide which firings are due.

const TICK_MS = 100;
const minute = 60_000;

let admin: InProcessAdmin;
const running: { stop: AbortController; done: Promise<void> }[] = [];

beforeEach(async () => {
  admin = await createInProcessAdmin({ scheduleTickMs: TICK_MS });
});
afterEach(async () => {
  for (const loop of running.splice(0)) {
    loop.stop.abort();
    await loop.done;
  }
  await admin.destroy();
});

function start(loops: readonly BackgroundLoop[]): AbortController {
  const scheduler = loops.find((l) => l.name === "scheduler");
  if (scheduler === undefined) throw new Error("admin has no scheduler loop");
  const stop = new AbortController();
  running.push({ stop, done: scheduler.run(stop.signal) });
  return stop;
}

interface ScheduledRow {
  name: string;
  mode: string;
  target_version: string;
}

async function scheduled(): Promise<ScheduledRow[]> {
  return admin.db.selectFrom("execution").select(["name", "mode", "target_version"]).where("mode", "=", "scheduled").orderBy("name").execute();
}

/** Waits until `count` scheduled executions exist, then a few more ticks to catch any extra ones. */
async function settle(count: number): Promise<ScheduledRow[]> {
  for (let i = 0; i < 600 && (await scheduled()).length < count; i++) await sleep(TICK_MS / 2);
  await sleep(TICK_MS * 5);
  return scheduled();
}

function firingNames(start: Date, count: number): string[] {
  return Array.from({ length: count }, (_, i) => scheduledExecutionName({ project: PROJECT, domain: DOMAIN, name: "every-minute" }, new Date(start.getTime() + (i + 1) * minute))).sort();
}

/** Launch plan "every-minute" over `wf`, x fixed, firing every minute; activated now. */
async function registerEveryMinute(): Promise<void> {
  await registerLaunchPlan(admin.client, "every-minute", {
    fixedInputs: { literals: { x: int(7) } },
    defaultInputs: { parameters: { greeting: { var: { type: simpleType(SimpleType.STRING) }, behavior: { case: "default", value: str("hi") } } } },
    schedule: { kind: { case: "fixedRate", value: { value: 1, unit: FixedRateUnit.MINUTE } } },
  }, true);
}

describe("the scheduler across two admin replicas", () => {
  it("fires each due firing once, catches up after downtime, and never launches a firing twice", async () => {
    await registerWorld(admin.client);
    const activatedAt = admin.clock.now();
    await registerEveryMinute();
    const replica = await createAdminReplica(admin, { scheduleTickMs: TICK_MS });

    // Both replicas run; five and a half minutes have passed since activation.
    admin.clock.advance(5 * minute + 30_000);
    replica.clock.set(admin.clock.now());
    const stopFirst = start(admin.loops);
    start(replica.loops);
    const firstFive = await settle(5);
    expect(firstFive.map((r) => r.name)).toEqual(firingNames(activatedAt, 5));
    expect(firstFive.every((r) => r.mode === "scheduled")).toBe(true);

    // Each execution records the firing it belongs to and its launch plan's fixed input.
    const first = await admin.client.getExecution({ id: { project: PROJECT, domain: DOMAIN, name: firingNames(activatedAt, 1)[0] } });
    expect(first.execution?.spec?.metadata?.mode).toBe(ExecutionMode.SCHEDULED);
    const scheduledAt = first.execution?.spec?.metadata?.scheduledAt;
    expect(scheduledAt && timestampDate(scheduledAt)).toEqual(new Date(activatedAt.getTime() + minute));

    // The replica holding the lease stops; an hour passes before the other looks again: it takes
    // the scheduler over and launches the 60 firings missed meanwhile, in order, once each.
    stopFirst.abort();
    replica.clock.advance(60 * minute);
    const afterCatchUp = await settle(65);
    expect(afterCatchUp.map((r) => r.name)).toEqual(firingNames(activatedAt, 65));

    // A crash after launching but before recording progress makes the next leader repeat firings:
    // their names already exist, so nothing new is launched.
    await admin.db.updateTable("schedule_cursor").set({ last_firing_at: activatedAt }).execute();
    replica.clock.advance(10_000);
    const repeated = () => replica.logs.filter((r) => r.msg === "schedule fired" && r.fields.outcome === "existing").length;
    for (let i = 0; i < 600 && repeated() < 65; i++) await sleep(TICK_MS / 2);
    expect(repeated()).toBe(65);
    expect((await scheduled()).length).toBe(65);
  });

  it("does not fire for the time a launch plan was inactive, and stops when it is deactivated", async () => {
    await registerWorld(admin.client);
    await registerEveryMinute();
    start(admin.loops);
    admin.clock.advance(2 * minute);
    expect((await settle(2)).length).toBe(2);

    // Deactivated for an hour, then activated again: no firings are owed for the pause.
    const id = { resourceType: ResourceType.LAUNCH_PLAN, project: PROJECT, domain: DOMAIN, name: "every-minute", version: "v1" };
    await admin.client.updateLaunchPlan({ id, state: LaunchPlanState.INACTIVE });
    admin.clock.advance(60 * minute);
    await sleep(TICK_MS * 5);
    expect((await scheduled()).length).toBe(2);
    await admin.client.updateLaunchPlan({ id, state: LaunchPlanState.ACTIVE });
    admin.clock.advance(minute);
    expect((await settle(3)).length).toBe(3);
  });
});
