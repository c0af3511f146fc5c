import { setTimeout as sleep } from "node:timers/promises";

// Helpers for the plugins' `wait`: it resolves when the attempt may have changed, or soon after
// its signal aborts, and never rejects.

/** Resolves when `promise` settles or `signal` aborts, whichever comes first. */
export function untilSettledOrAborted(promise: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    promise.then(done, done);
  });
}

/**
 * Resolves once `changed()` holds or `signal` aborts, asking first after `firstMs` and then twice
 * as late each time, at most every `maxMs`: for attempts this process has no event for (they were
 * started by another process, or before a restart).
 */
export async function pollUntil(changed: () => boolean, signal: AbortSignal, firstMs = 50, maxMs = 500): Promise<void> {
  let delay = firstMs;
  while (!signal.aborted && !changed()) {
    // An abort ends the sleep early; the loop's condition then ends the wait.
    await sleep(delay, undefined, { signal }).catch(() => undefined);
    delay = Math.min(delay * 2, maxMs);
  }
}

/**
 * Runs `wait` so that it never rejects: on an error (a malformed state, an unreadable file) it
 * resolves after `pauseMs` or the abort instead. The caller's next `get` then reports the problem,
 * and a caller that keeps asking does not spin.
 */
export async function withoutRejecting(wait: () => Promise<void>, signal: AbortSignal, pauseMs = 500): Promise<void> {
  try {
    await wait();
  } catch {
    await sleep(pauseMs, undefined, { signal }).catch(() => undefined);
  }
}
