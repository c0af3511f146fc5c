import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { datetimeLiteral } from "@skein/engine";
import { LiteralMapSchema } from "@skein/idl";
import { ExecutionMode } from "@skein/idl/admin/v1";
import type { LaunchPlanRepository } from "../repositories/launch-plan-repository.js";
import { launchPlanIdFromRow, launchPlanSpecFromRow } from "../repositories/transformers/launch-plan-transformer.js";
import type { ExecutionCreator } from "./execution-creator.js";
import type { FiringOutcome, ScheduledPlan } from "./scheduler.js";

/**
 * Every active launch plan version with a schedule. A version counts from its last activation
 * (`updated_at` moves only when the active flag changes), so a plan reactivated after a pause does
 * not catch up on the firings it was paused through.
 */
export async function activeScheduledPlans(launchPlans: LaunchPlanRepository): Promise<ScheduledPlan[]> {
  const plans: ScheduledPlan[] = [];
  for (const row of await launchPlans.listActiveScheduled()) {
    const schedule = launchPlanSpecFromRow(row).schedule;
    if (schedule === undefined) continue;
    plans.push({ key: { project: row.project, domain: row.domain, name: row.name, version: row.version }, schedule, activatedAt: row.updated_at });
  }
  return plans;
}

/** Launches one firing through the same path as CreateExecution, in mode SCHEDULED. */
export function scheduleLauncher(creator: ExecutionCreator): (plan: ScheduledPlan, firing: Date, name: string) => Promise<FiringOutcome> {
  return async (plan, firing, name) => {
    const kickoff = plan.schedule.kickoffTimeInputArg;
    const userInputs = create(LiteralMapSchema, { literals: kickoff === "" ? {} : { [kickoff]: datetimeLiteral(firing) } });
    try {
      const { created } = await creator.create({
        project: plan.key.project,
        domain: plan.key.domain,
        name,
        target: launchPlanIdFromRow(plan.key),
        userInputs,
        labels: {},
        executionClusterLabel: "",
        targetCluster: "",
        overwriteCache: false,
        maxParallelism: 0,
        mode: ExecutionMode.SCHEDULED,
        scheduledAt: firing,
        targetField: "launch_plan_id",
      });
      return created ? "created" : "existing";
    } catch (error) {
      // The launch plan's concurrency policy refused the firing (SKIP): recorded, not retried.
      if (error instanceof ConnectError && error.code === Code.ResourceExhausted) return "skipped";
      throw error;
    }
  };
}
