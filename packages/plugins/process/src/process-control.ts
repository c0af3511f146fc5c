import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Whether the process `pid` is still running this attempt. On Linux the command line must
 * mention `marker` (the attempt's directory), so a pid reused by an unrelated process after the
 * task exited does not look like the task; an exited but unreaped process has an empty command
 * line and counts as gone. Elsewhere only the pid is checked.
 */
export function isAttemptRunning(pid: number, marker: string): boolean {
  if (process.platform === "linux") {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Sends `signal` to the process group led by `pid` (the task and whatever it started). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Waits until the attempt's process is gone or `ms` passed; true when it is gone. */
export async function waitForExit(pid: number, marker: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!isAttemptRunning(pid, marker)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}
