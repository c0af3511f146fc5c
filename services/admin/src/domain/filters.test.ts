import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { parseFilters, type FilterFields } from "./filters.js";

const fields: FilterFields = {
  fields: {
    name: { kind: "string", column: "name" },
    created_at: { kind: "timestamp", column: "created_at" },
    phase: { kind: "enum", column: "phase", values: { RUNNING: "running", FAILED: "failed" } },
    is_parent: { kind: "boolean", column: "is_parent" },
    duration: { kind: "duration", column: "duration_ms" },
    retry_attempt: { kind: "integer", column: "retry_attempt" },
    "workflow.name": { kind: "string", column: "workflow_name" },
  },
  labelsColumn: "labels",
};

function problem(text: string): string {
  try {
    parseFilters(text, fields);
  } catch (error) {
    const e = ConnectError.from(error);
    expect(e.code).toBe(Code.InvalidArgument);
    return e.rawMessage;
  }
  return expect.fail(`"${text}" parsed`);
}

describe("parseFilters", () => {
  it("parses each kind of value into what the column compares", () => {
    expect(parseFilters("", fields)).toEqual([]);
    const conditions = parseFilters(
      "eq(name,a,b)+gte(created_at,2025-01-31T00:00:00Z)+value_in(phase,RUNNING;FAILED)+eq(is_parent,true)+gt(duration,1.5s)+lte(retry_attempt,2)+contains(workflow.name,train)+ne(labels.team,ml)",
      fields,
    );
    expect(conditions.map((c) => [c.operator, c.column, c.label, c.values])).toEqual([
      ["eq", "name", undefined, ["a,b"]],
      ["gte", "created_at", undefined, [new Date("2025-01-31T00:00:00Z")]],
      ["value_in", "phase", undefined, ["running", "failed"]],
      ["eq", "is_parent", undefined, [true]],
      ["gt", "duration_ms", undefined, ["1500"]],
      ["lte", "retry_attempt", undefined, ["2"]],
      ["contains", "workflow_name", undefined, ["train"]],
      ["ne", "labels", "team", ["ml"]],
    ]);
  });

  it("names the offending token and what is wrong with it", () => {
    expect(problem("eq(name,a)+bogus")).toBe('filters: "bogus": is not a predicate op(key,value)');
    expect(problem("like(name,a)")).toBe('filters: "like(name,a)": unknown operator "like" (eq, ne, gt, gte, lt, lte, contains, value_in)');
    expect(problem("eq(owner,a)")).toBe('filters: "eq(owner,a)": unknown key "owner" (keys: name, created_at, phase, is_parent, duration, retry_attempt, workflow.name, labels.<key>)');
    expect(problem("gt(phase,RUNNING)")).toBe('filters: "gt(phase,RUNNING)": operator gt does not apply to phase (enum)');
    expect(problem("eq(phase,WORKFLOW_EXECUTION_PHASE_RUNNING)")).toBe('filters: "eq(phase,WORKFLOW_EXECUTION_PHASE_RUNNING)": "WORKFLOW_EXECUTION_PHASE_RUNNING" is not a value of phase (RUNNING, FAILED)');
    expect(problem("eq(created_at,2025-01-31T00:00:00)")).toMatch(/is not an RFC 3339 UTC timestamp/);
    expect(problem("eq(created_at,2025-02-31T00:00:00Z)")).toMatch(/is not an RFC 3339 UTC timestamp/);
    expect(problem("eq(is_parent,yes)")).toBe('filters: "eq(is_parent,yes)": "yes" is not true or false');
    expect(problem("gt(duration,90)")).toBe('filters: "gt(duration,90)": "90" is not a duration in seconds like 90s');
    expect(problem("eq(retry_attempt,one)")).toBe('filters: "eq(retry_attempt,one)": "one" is not a whole number');
    expect(problem("value_in(phase,RUNNING;)")).toBe('filters: "value_in(phase,RUNNING;)": a value is missing for phase');
    expect(problem("eq(labels.-bad,x)")).toBe('filters: "eq(labels.-bad,x)": "-bad" is not a label key');
    expect(problem("eq(name,a)+")).toBe('filters: "": is not a predicate op(key,value)');
  });
});
