import { describe, expect, it } from "vitest";
import { durationFromMillis, durationOption, millisFromDuration, parseDuration } from "./duration.js";

describe("durations", () => {
  it("parses unit sequences and ISO 8601", () => {
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("2d")).toBe(172_800_000);
    expect(parseDuration("250us")).toBe(0.25);
    expect(parseDuration("PT1H30M")).toBe(5_400_000);
    expect(parseDuration("P1DT2S")).toBe(86_402_000);
    expect(parseDuration("-5m")).toBe(-300_000);
    for (const bad of ["", "5", "m", "1h 30m", "P", "PT", "1y"]) expect(parseDuration(bad)).toBeUndefined();
  });

  it("converts to protobuf durations exactly, to the nanosecond", () => {
    expect(durationFromMillis(1500)).toMatchObject({ seconds: 1n, nanos: 500_000_000 });
    expect(durationFromMillis(-1500)).toMatchObject({ seconds: -1n, nanos: -500_000_000 });
    expect(durationFromMillis(0.000001)).toMatchObject({ seconds: 0n, nanos: 1 });
    expect(durationFromMillis(999.9999999)).toMatchObject({ seconds: 1n, nanos: 0 });
    expect(millisFromDuration(durationFromMillis(123_456.789))).toBeCloseTo(123_456.789, 6);
  });

  it("names the option in errors", () => {
    expect(durationOption("10m", "timeout")).toBe(600_000);
    expect(() => durationOption("soon", "timeout")).toThrow('timeout: expected a non-negative duration (milliseconds, or text such as "90s", "1h30m", "PT10M"), got "soon"');
    expect(() => durationOption(-1, "timeout")).toThrow(/got -1/);
  });
});
