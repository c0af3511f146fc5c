import type { NodePath } from "./api.js";

// Timer ids say what a timer is for, so a fired timer needs no lookup table: `retry:<path>:<n>`
// starts attempt n after a backoff, `timeout:<path>:<n>` ends attempt n, `sleep:<path>` wakes a
// sleep gate, `workflow-timeout` ends the execution.

export const WORKFLOW_TIMEOUT = "workflow-timeout";

/** What a timer id means. */
export type TimerPurpose =
  | { readonly kind: "retry" | "timeout"; readonly node: NodePath; readonly attempt: number }
  | { readonly kind: "sleep"; readonly node: NodePath }
  | { readonly kind: "workflow-timeout" };

export function retryTimer(node: NodePath, attempt: number): string {
  return `retry:${node}:${attempt}`;
}

export function timeoutTimer(node: NodePath, attempt: number): string {
  return `timeout:${node}:${attempt}`;
}

export function sleepTimer(node: NodePath): string {
  return `sleep:${node}`;
}

/** Reads a timer id; throws an Error naming it when the engine never makes such ids. */
export function parseTimer(id: string): TimerPurpose {
  if (id === WORKFLOW_TIMEOUT) return { kind: "workflow-timeout" };
  const colon = id.indexOf(":");
  const kind = id.slice(0, colon);
  if (colon > 0 && kind === "sleep" && id.length > colon + 1) return { kind, node: id.slice(colon + 1) };
  const last = id.lastIndexOf(":");
  const attempt = id.slice(last + 1);
  if ((kind === "retry" || kind === "timeout") && last > colon + 1 && /^(0|[1-9][0-9]*)$/.test(attempt)) {
    return { kind, node: id.slice(colon + 1, last), attempt: Number(attempt) };
  }
  throw new Error(`timerFired: "${id}" is not a timer this engine set`);
}
