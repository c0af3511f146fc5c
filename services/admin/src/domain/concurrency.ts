import { Code, ConnectError } from "@connectrpc/connect";
import { ConcurrencyBehavior, type ConcurrencyPolicy } from "@skein/idl/admin/v1";
import { assertNever } from "@skein/engine";
import type { Transaction } from "kysely";
import type { AdminDatabase } from "../repositories/database.js";
import type { ExecutionRepository, LaunchPlanNameKey } from "../repositories/execution-repository.js";

/** Whether a new execution may go to the data plane now, or must wait for a slot. */
export type Admission = { readonly kind: "admitted" } | { readonly kind: "waiting"; readonly reason: string };

function nameText(name: LaunchPlanNameKey): string {
  return `${name.project}/${name.domain}/${name.name}`;
}

/**
 * Decides the admission of one new execution of a launch plan name with a concurrency policy,
 * inside the creating transaction. A transaction-scoped advisory lock on the name makes the count
 * and the insert that follows one atomic step per name: two creators never both see a free slot.
 * Under QUEUE, a new execution also waits while earlier ones wait, so slots go in creation order.
 */
export async function decideAdmission(
  executions: ExecutionRepository,
  name: LaunchPlanNameKey,
  policy: ConcurrencyPolicy,
  trx: Transaction<AdminDatabase>,
): Promise<Admission> {
  await executions.lockLaunchPlanName(name, trx);
  const inFlight = await executions.countInFlight(name, trx);
  const behavior = policy.behavior;
  switch (behavior) {
    case ConcurrencyBehavior.UNSPECIFIED:
    case ConcurrencyBehavior.SKIP:
      if (inFlight < policy.max) return { kind: "admitted" };
      throw new ConnectError(
        `launch plan ${nameText(name)} already has ${inFlight} executions in flight (concurrency_policy.max = ${policy.max}); the SKIP policy refuses new ones until one finishes`,
        Code.ResourceExhausted,
      );
    case ConcurrencyBehavior.QUEUE: {
      const someoneWaits = (await executions.oldestWaiting(name, trx)) !== undefined;
      if (inFlight < policy.max && !someoneWaits) return { kind: "admitted" };
      return { kind: "waiting", reason: `waiting for a concurrency slot: launch plan ${nameText(name)} allows ${policy.max} executions in flight` };
    }
    default:
      return assertNever(behavior, "concurrency behavior");
  }
}
