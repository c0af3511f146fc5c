import { describe, expect, it } from "vitest";
import { cronProblem, isKnownTimeZone, nextCronTime, parseCron } from "./cron.js";
import { nextFixedRateTime } from "./fixed-rate.js";

const at = (iso: string) => new Date(iso);
const next = (expression: string, after: string, zone = "") => nextCronTime(parseCron(expression), at(after), zone)?.toISOString();

function firings(expression: string, after: string, count: number, zone = ""): string[] {
  const spec = parseCron(expression);
  const out: string[] = [];
  let t = at(after);
  for (let i = 0; i < count; i++) {
    const n = nextCronTime(spec, t, zone);
    if (n === undefined) break;
    out.push(n.toISOString());
    t = n;
  }
  return out;
}

describe("cronProblem", () => {
  it("accepts fields, lists, ranges, steps, names and macros", () => {
    for (const ok of ["* * * * *", "*/15 0-6,22 1 JAN-mar */2", "0 0 1-31/2 12 sun", "5 4 * * 0-7", "@hourly", "@yearly", "5/20 * * * *"]) {
      expect(cronProblem(ok)).toBeUndefined();
    }
  });

  it("names the field and the problem", () => {
    expect(cronProblem("* 24 * * *")).toBe('hour "24": "24" is not a value from 0 to 23');
    expect(cronProblem("* * 0 * *")).toBe('day of month "0": "0" is not a value from 1 to 31');
    expect(cronProblem("*/0 * * * *")).toBe('minute "*/0": step "0" is not a positive whole number');
    expect(cronProblem("5-2 * * * *")).toBe('minute "5-2": range 5-2 runs backwards');
    expect(cronProblem("* * * FOO *")).toBe('month "FOO": "FOO" is not a value from 1 to 12');
    expect(cronProblem("@often")).toBe("unknown macro @often (use @hourly, @daily, @weekly, @monthly, @yearly)");
    expect(cronProblem("1/2/3 * * * *")).toBe('minute "1/2/3": "1/2/3" has more than one "/"');
    expect(cronProblem("* * *")).toBe("expected 5 fields (minute hour day-of-month month day-of-week), got 3");
    expect(() => parseCron("* * *")).toThrow(/cron expression "\* \* \*": expected 5 fields/);
  });
});

describe("nextCronTime", () => {
  it("is strictly after the given instant, at whole minutes", () => {
    expect(next("* * * * *", "2026-01-01T00:00:00Z")).toBe("2026-01-01T00:01:00.000Z");
    expect(next("* * * * *", "2026-01-01T00:00:30Z")).toBe("2026-01-01T00:01:00.000Z");
    expect(next("*/15 * * * *", "2026-01-01T00:14:59Z")).toBe("2026-01-01T00:15:00.000Z");
  });

  it("expands macros, steps from a start value and names", () => {
    expect(firings("@daily", "2026-03-01T12:00:00Z", 2)).toEqual(["2026-03-02T00:00:00.000Z", "2026-03-03T00:00:00.000Z"]);
    expect(firings("5/20 * * * *", "2026-03-01T12:00:00Z", 3)).toEqual([
      "2026-03-01T12:05:00.000Z", "2026-03-01T12:25:00.000Z", "2026-03-01T12:45:00.000Z",
    ]);
    // 2026-03-02 is a Monday.
    expect(next("30 9 * * MON", "2026-02-27T00:00:00Z")).toBe("2026-03-02T09:30:00.000Z");
    expect(next("0 0 1 JAN *", "2026-03-01T00:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
  });

  it("matches either day field when both are restricted, as cron does", () => {
    // The 13th of the month, or any Friday: 2026-03-06 is a Friday, before the 13th.
    expect(firings("0 0 13 * FRI", "2026-03-01T00:00:00Z", 3)).toEqual([
      "2026-03-06T00:00:00.000Z", "2026-03-13T00:00:00.000Z", "2026-03-20T00:00:00.000Z",
    ]);
    // Day 7 is Sunday, like 0.
    expect(next("0 0 * * 7", "2026-03-01T00:00:00Z")).toBe("2026-03-08T00:00:00.000Z");
  });

  it("reads the expression in a time zone, across daylight-saving changes", () => {
    expect(next("0 9 * * *", "2026-01-10T00:00:00Z", "Europe/Paris")).toBe("2026-01-10T08:00:00.000Z");
    expect(next("0 9 * * *", "2026-07-10T00:00:00Z", "Europe/Paris")).toBe("2026-07-10T07:00:00.000Z");
    // 02:30 does not exist in Paris on 2026-03-29: that day has no firing.
    expect(firings("30 2 * * *", "2026-03-28T00:00:00Z", 2, "Europe/Paris")).toEqual(["2026-03-28T01:30:00.000Z", "2026-03-30T00:30:00.000Z"]);
    // 02:30 happens twice on 2026-10-25: once in summer time, once in winter time.
    expect(firings("30 2 * * *", "2026-10-24T12:00:00Z", 3, "Europe/Paris")).toEqual([
      "2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z", "2026-10-26T01:30:00.000Z",
    ]);
    // Half-hour offsets: midnight in Kolkata is 18:30 UTC.
    expect(next("0 0 * * *", "2026-01-01T00:00:00Z", "Asia/Kolkata")).toBe("2026-01-01T18:30:00.000Z");
  });

  it("finds rare days and gives up on impossible ones", () => {
    expect(next("0 0 29 2 *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
    expect(next("0 0 30 2 *", "2026-03-01T00:00:00Z")).toBeUndefined();
  });

  it("knows which time zones exist", () => {
    expect(isKnownTimeZone("")).toBe(true);
    expect(isKnownTimeZone("Europe/Paris")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus")).toBe(false);
  });
});

describe("nextFixedRateTime", () => {
  const start = at("2026-01-01T00:00:00Z");
  const hour = 3_600_000;

  it("fires one interval after the start, then every interval", () => {
    expect(nextFixedRateTime(start, hour, start).toISOString()).toBe("2026-01-01T01:00:00.000Z");
    expect(nextFixedRateTime(start, hour, at("2025-12-31T00:00:00Z")).toISOString()).toBe("2026-01-01T01:00:00.000Z");
    expect(nextFixedRateTime(start, hour, at("2026-01-01T01:00:00Z")).toISOString()).toBe("2026-01-01T02:00:00.000Z");
    expect(nextFixedRateTime(start, hour, at("2026-01-01T05:59:59Z")).toISOString()).toBe("2026-01-01T06:00:00.000Z");
  });

  it("refuses a non-positive interval", () => {
    expect(() => nextFixedRateTime(start, 0, start)).toThrow(/positive/);
  });
});
