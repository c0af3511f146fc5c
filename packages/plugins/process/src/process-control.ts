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

/**
 * When the process `pid` started, as the kernel counts it (Linux: clock ticks since boot, from
 * /proc/<pid>/stat), or undefined when unknown (gone, or not Linux). Together with the pid it names
 * one process: a pid reused later has another start time.
 */
export function processStartTime(pid: number): string | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces and parentheses): state is field 3,
    // starttime field 22.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Whether the process `pid` that started at `startTime` (from processStartTime) still runs. */
export function isProcessRunning(pid: number, startTime: string): boolean {
  if (process.platform === "linux") return processStartTime(pid) === startTime;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
