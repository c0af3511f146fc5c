import type { NodePath } from "./api.js";

// Child executions get names derived from (execution, node path, attempt), so starting one again
// after a crash finds the child already there instead of starting a second.

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/** A lowercase name of 14 characters that starts with a letter. */
export function childExecutionName(executionName: string, path: NodePath, attempt: number): string {
  const bytes = new TextEncoder().encode(`${executionName}\u0000${path}\u0000${attempt}`);
  let hash = FNV_OFFSET;
  for (const b of bytes) hash = ((hash ^ BigInt(b)) * FNV_PRIME) & MASK;
  return `c${hash.toString(36).padStart(13, "0")}`;
}
