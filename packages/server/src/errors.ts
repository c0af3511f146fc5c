import { Code, ConnectError } from "@connectrpc/connect";

// Domain code creates errors with their Connect code from the start; `cause` is kept for the logs
// and stripped at the edge (see error-interceptor.ts).

/** `<what> not found`, e.g. `notFound('project "demo"')`. */
export function notFound(what: string, cause?: unknown): ConnectError {
  return new ConnectError(`${what} not found`, Code.NotFound, undefined, undefined, cause);
}

/** `<what> already exists`, for a create that conflicts with an existing record. */
export function alreadyExists(what: string, cause?: unknown): ConnectError {
  return new ConnectError(`${what} already exists`, Code.AlreadyExists, undefined, undefined, cause);
}

/** `<field>: <problem>`, naming the request field at fault. */
export function invalidArgument(field: string, problem: string, cause?: unknown): ConnectError {
  return new ConnectError(`${field}: ${problem}`, Code.InvalidArgument, undefined, undefined, cause);
}

/** The record exists but is in the wrong state for the call. */
export function failedPrecondition(problem: string, cause?: unknown): ConnectError {
  return new ConnectError(problem, Code.FailedPrecondition, undefined, undefined, cause);
}

/** A part of the API that this server does not offer (yet). */
export function unimplemented(what: string): ConnectError {
  return new ConnectError(`${what} is not implemented`, Code.Unimplemented);
}

/** The SQLSTATE of a PostgreSQL error (pg and PGlite both expose it as `code`), if it is one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Whether the error is a unique-constraint violation (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === "23505";
}
