import type { Logger } from "@skein/server";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { AdminContext } from "../context.js";
import { LaunchPlanRepository } from "../repositories/launch-plan-repository.js";
import { LeaseRepository } from "../repositories/lease-repository.js";
import { ScheduleCursorRepository } from "../repositories/schedule-cursor-repository.js";
import type { ExecutionCreator } from "./execution-creator.js";
import { activeScheduledPlans, scheduleLauncher } from "./schedule-launcher.js";
import { Scheduler } from "./scheduler.js";

/** A lease outlives this many missed ticks before another replica takes the scheduler over. */
const LEASE_TICKS = 5;

/** The scheduler of one admin replica, firing through `creator`. */
export function createScheduler(ctx: AdminContext, creator: ExecutionCreator, logger: Logger): Scheduler {
  const launchPlans = new LaunchPlanRepository(ctx.db);
  return new Scheduler({
    plans: () => activeScheduledPlans(launchPlans),
    launch: scheduleLauncher(creator),
    cursors: new ScheduleCursorRepository(ctx.db),
    leases: new LeaseRepository(ctx.db),
    clock: ctx.clock,
    logger,
    instanceId: `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`,
    tickMs: ctx.config.scheduleTickMs,
    leaseMs: ctx.config.scheduleTickMs * LEASE_TICKS,
    maxFiringsPerTick: ctx.config.scheduleCatchUpPerTick,
  });
}
