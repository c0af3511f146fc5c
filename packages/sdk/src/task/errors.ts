/**
 * Thrown by a task to fail without retries: the runner reports it as a non-recoverable user error.
 * Every other error a task throws is a recoverable user error, retried while `retries` allow.
 */
export class NonRetryableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NonRetryableError";
  }
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
