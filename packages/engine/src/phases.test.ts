import { NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { isSuccessfulNodePhase, isTerminalNodePhase, isTerminalTaskPhase, isTerminalWorkflowPhase } from "./phases.js";

function values<P extends number>(e: Record<string, string | P>): P[] {
  return Object.values(e).filter((v): v is P => typeof v === "number");
}

describe("terminal phases", () => {
  it("classifies every workflow phase", () => {
    const terminal = values<WorkflowExecutionPhase>(WorkflowExecutionPhase).filter((p) => isTerminalWorkflowPhase(p));
    expect(terminal.map((p) => WorkflowExecutionPhase[p]).sort()).toEqual(["ABORTED", "FAILED", "SUCCEEDED", "TIMED_OUT"]);
  });

  it("classifies every node phase, counting skipped and recovered as ended", () => {
    const terminal = values<NodeExecutionPhase>(NodeExecutionPhase).filter((p) => isTerminalNodePhase(p));
    expect(terminal.map((p) => NodeExecutionPhase[p]).sort()).toEqual([
      "ABORTED", "FAILED", "RECOVERED", "SKIPPED", "SUCCEEDED", "TIMED_OUT",
    ]);
  });

  it("treats a retryable task failure as not terminal", () => {
    expect(isTerminalTaskPhase(TaskExecutionPhase.RETRYABLE_FAILED)).toBe(false);
    const terminal = values<TaskExecutionPhase>(TaskExecutionPhase).filter((p) => isTerminalTaskPhase(p));
    expect(terminal.map((p) => TaskExecutionPhase[p]).sort()).toEqual(["ABORTED", "FAILED", "SUCCEEDED"]);
  });

  it("lets dependents consume only succeeded or recovered nodes", () => {
    const ok = values<NodeExecutionPhase>(NodeExecutionPhase).filter((p) => isSuccessfulNodePhase(p));
    expect(ok.map((p) => NodeExecutionPhase[p]).sort()).toEqual(["RECOVERED", "SUCCEEDED"]);
  });
});
