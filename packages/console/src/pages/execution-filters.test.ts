import { describe, expect, it } from "vitest";
import { filterExpression, noFilters } from "./execution-filters";

describe("filterExpression", () => {
  it("is empty without filters and joins predicates with +", () => {
    expect(filterExpression(noFilters)).toBe("");
    expect(filterExpression({ ...noFilters, phase: "RUNNING", workflow: " wf ", launchPlan: "lp", cluster: "local-a" }))
      .toBe("eq(phase,RUNNING)+contains(workflow.name,wf)+contains(launch_plan.name,lp)+eq(cluster,local-a)");
  });

  it("turns the time range into RFC 3339 UTC bounds on created_at", () => {
    const after = "2026-01-31T10:00";
    const expected = new Date(Date.parse(after)).toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(filterExpression({ ...noFilters, after })).toBe(`gte(created_at,${expected})`);
  });

  it("rejects values the grammar cannot carry, naming the field", () => {
    expect(() => filterExpression({ ...noFilters, workflow: "a+b" })).toThrow('workflow: must not contain "(", ")" or "+"');
    expect(() => filterExpression({ ...noFilters, before: "tomorrow" })).toThrow("created before: is not a date and time");
  });
});
