import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { FixedRateUnit, ScheduleSchema } from "@skein/idl/admin/v1";
import { describe, expect, it } from "vitest";
import { dueFirings, nextFiring, scheduledExecutionName } from "./schedule-firings.js";

const at = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const hourly = create(ScheduleSchema, { kind: { case: "fixedRate", value: { value: 1, unit: FixedRateUnit.HOUR } } });
const cron = (expression: string, offsetMs = 0, timeZone = "") =>
  create(ScheduleSchema, { kind: { case: "cron", value: { expression, timeZone, offset: offsetMs ? durationFromMs(offsetMs) : undefined } } });

describe("nextFiring", () => {
  it("counts fixed rates from the activation", () => {
    const start = at("2026-01-01T00:10:00Z");
    expect(nextFiring(hourly, start, start)?.toISOString()).toBe("2026-01-01T01:10:00.000Z");
    const daily = create(ScheduleSchema, { kind: { case: "fixedRate", value: { value: 2, unit: FixedRateUnit.DAY } } });
    expect(nextFiring(daily, start, start)?.toISOString()).toBe("2026-01-03T00:10:00.000Z");
  });

  it("shifts cron matches by the offset", () => {
    const daily = cron("@daily", 30 * 60_000);
    expect(nextFiring(daily, at("2026-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z"))?.toISOString()).toBe("2026-01-01T00:30:00.000Z");
    expect(nextFiring(daily, at("2026-01-01T00:00:00Z"), at("2026-01-01T00:30:00Z"))?.toISOString()).toBe("2026-01-02T00:30:00.000Z");
  });

  it("evaluates cron in the schedule's time zone", () => {
    expect(nextFiring(cron("0 9 * * *", 0, "Asia/Tokyo"), at("2026-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z"))?.toISOString()).toBe(
      "2026-01-02T00:00:00.000Z",
    );
  });
});

describe("dueFirings", () => {
  const start = at("2026-01-01T00:00:00Z");

  it("lists every missed firing in order, bounded, and none in the future", () => {
    expect(iso(dueFirings(hourly, start, start, at("2026-01-01T03:30:00Z"), 100))).toEqual([
      "2026-01-01T01:00:00.000Z", "2026-01-01T02:00:00.000Z", "2026-01-01T03:00:00.000Z",
    ]);
    expect(iso(dueFirings(hourly, start, start, at("2026-01-01T03:30:00Z"), 2))).toEqual(["2026-01-01T01:00:00.000Z", "2026-01-01T02:00:00.000Z"]);
    expect(dueFirings(hourly, start, at("2026-01-01T03:00:00Z"), at("2026-01-01T03:30:00Z"), 100)).toEqual([]);
  });

  it("includes a firing exactly at now", () => {
    expect(iso(dueFirings(cron("*/15 * * * *"), start, start, at("2026-01-01T00:15:00Z"), 10))).toEqual(["2026-01-01T00:15:00.000Z"]);
  });

  it("stops for an expression that never matches again", () => {
    expect(dueFirings(cron("0 0 30 2 *"), start, start, at("2030-01-01T00:00:00Z"), 10)).toEqual([]);
  });
});

describe("scheduledExecutionName", () => {
  const plan = { project: "demo", domain: "development", name: "nightly" };

  it("is a 20-character DNS label starting with f, the same for the same firing", () => {
    const name = scheduledExecutionName(plan, at("2026-01-01T00:00:00Z"));
    expect(name).toMatch(/^f[a-z2-7]{19}$/);
    expect(scheduledExecutionName({ ...plan }, at("2026-01-01T00:00:00Z"))).toBe(name);
  });

  it("differs by firing time, plan name, project and domain", () => {
    const base = scheduledExecutionName(plan, at("2026-01-01T00:00:00Z"));
    const others = [
      scheduledExecutionName(plan, at("2026-01-01T00:01:00Z")),
      scheduledExecutionName({ ...plan, name: "hourly" }, at("2026-01-01T00:00:00Z")),
      scheduledExecutionName({ ...plan, project: "other" }, at("2026-01-01T00:00:00Z")),
      scheduledExecutionName({ ...plan, domain: "production" }, at("2026-01-01T00:00:00Z")),
    ];
    expect(new Set([base, ...others]).size).toBe(5);
  });
});
