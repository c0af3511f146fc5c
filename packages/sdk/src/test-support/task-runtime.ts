import { create } from "@bufbuild/protobuf";
import { LiteralMapSchema, type Literal, type LiteralMap } from "@skein/idl";
import type { TaskRuntime } from "../task/context.js";

/** A runtime that records logs and keeps checkpoints in memory. */
export function fakeRuntime(overrides: Partial<TaskRuntime> = {}): TaskRuntime & { logs: string[]; saved: Uint8Array[] } {
  const logs: string[] = [];
  const saved: Uint8Array[] = [];
  return {
    executionName: "exec-1",
    nodePath: "n0",
    attempt: 0,
    signal: new AbortController().signal,
    log: (message) => logs.push(message),
    loadCheckpoint: () => Promise.resolve(saved.at(-1)),
    saveCheckpoint: (bytes) => {
      saved.push(bytes);
      return Promise.resolve();
    },
    logs,
    saved,
    ...overrides,
  };
}

export function literalMap(literals: Record<string, Literal>): LiteralMap {
  return create(LiteralMapSchema, { literals });
}
