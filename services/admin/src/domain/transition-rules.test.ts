import { NodeExecutionPhase as N, TaskExecutionPhase as T, WorkflowExecutionPhase as W } from "@skein/idl";
import { describe, expect, it } from "vitest";
import type { OutcomeKind } from "./event-outcome.js";
import { decideNodeEvent, decideTaskEvent, decideWorkflowEvent } from "./transition-rules.js";

// Every (stored, next) pair, written out as a matrix: one row per stored phase, one letter per next
// phase in enum order (A accepted, D duplicate, T already terminal, I invalid).
const letters: Record<string, OutcomeKind> = { A: "accepted", D: "duplicate", T: "already_terminal", I: "invalid" };

function expand(row: string): OutcomeKind[] {
  return Array.from({ length: row.length }, (_, i) => row.charAt(i)).map((c) => {
    const kind = letters[c];
    if (kind === undefined) throw new Error(`bad matrix letter ${c}`);
    return kind;
  });
}

const workflowNext = [W.QUEUED, W.RUNNING, W.SUCCEEDING, W.SUCCEEDED, W.FAILING, W.FAILED, W.ABORTED, W.TIMED_OUT, W.ABORTING];
const workflowMatrix: [W, string][] = [
  //                  Q R Sg S Fg F Ab TO Ag
  [W.UNSPECIFIED, /* */ "AAAAAAAAA"],
  [W.QUEUED, /*      */ "DAAAAAAAA"],
  [W.RUNNING, /*     */ "IDAAAAAAA"],
  [W.SUCCEEDING, /*  */ "IADAAAAAA"],
  [W.SUCCEEDED, /*   */ "TTTDTTTTT"],
  [W.FAILING, /*     */ "IAAADAAAA"],
  [W.FAILED, /*      */ "TTTTTDTTT"],
  [W.ABORTED, /*     */ "TTTTTTDTT"],
  [W.TIMED_OUT, /*   */ "TTTTTTTDT"],
  [W.ABORTING, /*    */ "IIIAIAAAD"],
];

describe("workflow event transitions", () => {
  it.each(workflowMatrix)("from %s follows the matrix", (stored, row) => {
    const got = workflowNext.map((next) => decideWorkflowEvent(stored, next, false).outcome);
    expect(got).toEqual(expand(row));
  });

  it("covers every phase of the enum as both stored and next", () => {
    const all = Object.values(W).filter((v): v is W => typeof v === "number");
    expect(workflowMatrix.map(([s]) => s).sort()).toEqual([...all].sort());
    expect([W.UNSPECIFIED, ...workflowNext].sort()).toEqual([...all].sort());
  });

  it("accepts a repeated QUEUED that announces a reassignment, and only QUEUED", () => {
    expect(decideWorkflowEvent(W.QUEUED, W.QUEUED, true).outcome).toBe("accepted");
    expect(decideWorkflowEvent(W.RUNNING, W.RUNNING, true).outcome).toBe("duplicate");
    expect(decideWorkflowEvent(W.SUCCEEDED, W.SUCCEEDED, true).outcome).toBe("duplicate");
    expect(decideWorkflowEvent(W.SUCCEEDED, W.QUEUED, true).outcome).toBe("already_terminal");
    expect(decideWorkflowEvent(W.RUNNING, W.QUEUED, true).outcome).toBe("invalid");
  });

  it("explains refusals with the phases involved", () => {
    expect(decideWorkflowEvent(W.SUCCEEDED, W.RUNNING, false).message).toBe("execution is already in terminal phase SUCCEEDED; RUNNING refused");
    expect(decideWorkflowEvent(W.RUNNING, W.QUEUED, false).message).toBe("execution cannot go back from RUNNING to QUEUED");
    expect(decideWorkflowEvent(W.ABORTING, W.RUNNING, false).message).toBe("execution is ABORTING; only a terminal phase may follow, not RUNNING");
    expect(decideWorkflowEvent(W.RUNNING, W.RUNNING, false)).toEqual({ outcome: "duplicate", message: "execution is already RUNNING" });
    expect(decideWorkflowEvent(W.QUEUED, W.UNSPECIFIED, false)).toEqual({ outcome: "invalid", message: "event.phase: must be set" });
  });
});

const nodeNext = [N.QUEUED, N.RUNNING, N.SUCCEEDED, N.FAILING, N.FAILED, N.ABORTED, N.SKIPPED, N.TIMED_OUT, N.DYNAMIC_RUNNING, N.RECOVERED];
const nodeMatrix: [N | undefined, string][] = [
  //                       Q R S Fg F Ab Sk TO DR Rec
  [undefined, /*        */ "AAAAAAAAAA"],
  [N.QUEUED, /*         */ "DAAAAAAAAA"],
  [N.RUNNING, /*        */ "ADAAAAAAAA"],
  [N.SUCCEEDED, /*      */ "TTDTTTTTTT"],
  [N.FAILING, /*        */ "AAADAAAAAA"],
  [N.FAILED, /*         */ "TTTTDTTTTT"],
  [N.ABORTED, /*        */ "TTTTTDTTTT"],
  [N.SKIPPED, /*        */ "TTTTTTDTTT"],
  [N.TIMED_OUT, /*      */ "TTTTTTTDTT"],
  [N.DYNAMIC_RUNNING, /**/ "AAAAAAAADA"],
  [N.RECOVERED, /*      */ "TTTTTTTTTD"],
];

describe("node event transitions", () => {
  it.each(nodeMatrix)("from %s follows the matrix", (stored, row) => {
    expect(nodeNext.map((next) => decideNodeEvent(stored, next).outcome)).toEqual(expand(row));
  });

  it("covers every phase of the enum", () => {
    const all = Object.values(N).filter((v): v is N => typeof v === "number" && v !== N.UNSPECIFIED);
    expect([...nodeNext].sort()).toEqual([...all].sort());
    expect(nodeMatrix.flatMap(([s]) => (s === undefined ? [] : [s])).sort()).toEqual([...all].sort());
  });

  it("accepts SUCCEEDED before RUNNING and refuses the late RUNNING as already terminal", () => {
    expect(decideNodeEvent(N.QUEUED, N.SUCCEEDED).outcome).toBe("accepted");
    expect(decideNodeEvent(N.SUCCEEDED, N.RUNNING)).toEqual({ outcome: "already_terminal", message: "node is already in terminal phase SUCCEEDED; RUNNING refused" });
    expect(decideNodeEvent(N.RUNNING, N.UNSPECIFIED).outcome).toBe("invalid");
  });
});

const taskNext = [T.QUEUED, T.RUNNING, T.SUCCEEDED, T.ABORTED, T.FAILED, T.INITIALIZING, T.WAITING_FOR_RESOURCES, T.RETRYABLE_FAILED];
// Events at the stored phase version (0 against 0).
const taskMatrix: [T | undefined, string][] = [
  //                             Q R S Ab F In WR RF
  [undefined, /*              */ "AAAAAAAA"],
  [T.QUEUED, /*               */ "DAAAAAAA"],
  [T.RUNNING, /*              */ "ADAAAAAA"],
  [T.SUCCEEDED, /*            */ "TTDTTTTT"],
  [T.ABORTED, /*              */ "TTTDTTTT"],
  [T.FAILED, /*               */ "TTTTDTTT"],
  [T.INITIALIZING, /*         */ "AAAAADAA"],
  [T.WAITING_FOR_RESOURCES, /**/ "AAAAAADA"],
  [T.RETRYABLE_FAILED, /*     */ "AAAAAAAD"],
];

describe("task event transitions", () => {
  it.each(taskMatrix)("from %s at the same phase version follows the matrix", (stored, row) => {
    const base = stored === undefined ? undefined : { phase: stored, phaseVersion: 0 };
    expect(taskNext.map((phase) => decideTaskEvent(base, { phase, phaseVersion: 0 }).outcome)).toEqual(expand(row));
  });

  it("covers every phase of the enum", () => {
    const all = Object.values(T).filter((v): v is T => typeof v === "number" && v !== T.UNSPECIFIED);
    expect([...taskNext].sort()).toEqual([...all].sort());
  });

  it("repeats a phase only with a higher phase version", () => {
    const running = { phase: T.RUNNING, phaseVersion: 3 };
    expect(decideTaskEvent(running, { phase: T.RUNNING, phaseVersion: 4 }).outcome).toBe("accepted");
    expect(decideTaskEvent(running, { phase: T.RUNNING, phaseVersion: 3 })).toEqual({ outcome: "duplicate", message: "task attempt is already RUNNING at phase version 3" });
    expect(decideTaskEvent(running, { phase: T.RUNNING, phaseVersion: 1 }).outcome).toBe("duplicate");
    // A phase change does not need a higher version: versions count within one phase.
    expect(decideTaskEvent(running, { phase: T.SUCCEEDED, phaseVersion: 0 }).outcome).toBe("accepted");
  });

  it("keeps a terminal phase final, even for a higher phase version", () => {
    const done = { phase: T.SUCCEEDED, phaseVersion: 1 };
    expect(decideTaskEvent(done, { phase: T.SUCCEEDED, phaseVersion: 2 }).outcome).toBe("already_terminal");
    expect(decideTaskEvent(done, { phase: T.SUCCEEDED, phaseVersion: 1 }).outcome).toBe("duplicate");
    expect(decideTaskEvent(done, { phase: T.RUNNING, phaseVersion: 9 }).message).toBe("task attempt is already in terminal phase SUCCEEDED; RUNNING refused");
    expect(decideTaskEvent(undefined, { phase: T.UNSPECIFIED, phaseVersion: 0 }).outcome).toBe("invalid");
  });
});
