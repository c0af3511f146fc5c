import { durationMs, type Duration } from "@bufbuild/protobuf/wkt";
import { assertNever, nextCronTime, nextFixedRateTime, parseCron } from "@skein/engine";
import { FixedRateUnit, type Schedule } from "@skein/idl/admin/v1";
import { createHash } from "node:crypto";

const unitMs: Readonly<Record<Exclude<FixedRateUnit, FixedRateUnit.UNSPECIFIED>, number>> = {
  [FixedRateUnit.MINUTE]: 60_000,
  [FixedRateUnit.HOUR]: 3_600_000,
  [FixedRateUnit.DAY]: 86_400_000,
};

function offsetMs(offset: Duration | undefined): number {
  return offset === undefined ? 0 : durationMs(offset);
}

/**
 * The firing after `after` of a schedule that started at `start` (its launch plan's activation), or
 * undefined when it never fires again. A cron offset shifts every match: the schedule fires at
 * match + offset, so the match searched for is the one after `after - offset`.
 */
export function nextFiring(schedule: Schedule, start: Date, after: Date): Date | undefined {
  const kind = schedule.kind;
  switch (kind.case) {
    case "cron": {
      const shift = offsetMs(kind.value.offset);
      const match = nextCronTime(parseCron(kind.value.expression), new Date(after.getTime() - shift), kind.value.timeZone);
      return match === undefined ? undefined : new Date(match.getTime() + shift);
    }
    case "fixedRate": {
      if (kind.value.unit === FixedRateUnit.UNSPECIFIED) return undefined;
      return nextFixedRateTime(start, kind.value.value * unitMs[kind.value.unit], after);
    }
    case undefined:
      return undefined;
    default:
      return assertNever(kind, "schedule kind");
  }
}

/**
 * Every firing in (`after`, `now`], oldest first, at most `limit` of them: what a scheduler that
 * last handled `after` owes at `now`. After downtime this is the catch-up list.
 */
export function dueFirings(schedule: Schedule, start: Date, after: Date, now: Date, limit: number): Date[] {
  const due: Date[] = [];
  let cursor = after;
  while (due.length < limit) {
    const next = nextFiring(schedule, start, cursor);
    if (next === undefined || next > now) break;
    due.push(next);
    cursor = next;
  }
  return due;
}

/**
 * The execution name of one firing: `f` and 19 characters of a hash of the launch plan's name
 * (not its version) and the firing time. Two replicas, a retry after a crash, or a new version
 * activated within the same minute all arrive at the same name, so a firing launches at most once.
 */
export function scheduledExecutionName(plan: { project: string; domain: string; name: string }, firing: Date): string {
  const digest = createHash("sha256").update(`${plan.project}\n${plan.domain}\n${plan.name}\n${firing.toISOString()}`).digest();
  // base32 over lowercase letters and digits keeps the name a valid DNS label.
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let name = "f";
  for (let i = 0; name.length < 20; i++) name += alphabet.charAt((digest[i] ?? 0) % 32);
  return name;
}
