const nonRetryable = Symbol.for("skein.error.non-retryable");

/**
 * Thrown by a task to fail without retries: the runner reports it as a non-recoverable user error.
 * Every other error a task throws is a recoverable user error, retried while `retries` allow.
 */
export class NonRetryableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NonRetryableError";
  }

  /** Recognized by a global symbol, not by class identity: user code may load its own copy of the SDK. */
  readonly [nonRetryable] = true;
}

/**
 * True for errors that must not be retried. A user file may get its own instance of this module
 * (the CLI loads it through a separate TypeScript loader), so `instanceof` alone would miss them.
 */
export function isNonRetryable(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[nonRetryable] === true;
}

/**
 * Inputs that do not fit a task's interface, or outputs its function returned that do not. A
 * retry would see the same values, so it is not retried.
 */
export class TaskValidationError extends NonRetryableError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TaskValidationError";
  }
}
