import { Code, ConnectError } from "@connectrpc/connect";
import { EndpointError, InputError, LiteralConversionError } from "@skein/sdk";
import { UsageError } from "../run/args.js";
import { ModuleLoadError } from "../run/load-module.js";

/** Exit codes shared with program.ts: 0 success, 1 the work failed, 2 bad command line or input. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

// Node's fetch and http report a refused or dropped connection through these codes.
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET"]);

/** The network error code somewhere in an error's causes (a refused or dropped connection), if any. */
export function networkCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
  const nested = (error as { cause?: unknown; errors?: unknown }).errors;
  if (Array.isArray(nested)) for (const inner of nested) { const found = networkCode(inner, depth + 1); if (found) return found; }
  return networkCode((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * Prints an error of a remote command as `error: <message>` and returns its exit code: bad
 * command lines and InvalidArgument answers exit 2; everything else, including an admin that
 * cannot be reached (named by its endpoint), exits 1.
 */
export function reportRemoteError(error: unknown, err: (text: string) => void, endpoint?: string): number {
  if (error instanceof UsageError || error instanceof EndpointError || error instanceof InputError || error instanceof LiteralConversionError || (error instanceof ModuleLoadError && error.usage)) {
    err(`error: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof ModuleLoadError || (error instanceof Error && (error.name === "CompileErrors" || error.name === "DefinitionError"))) {
    err(`error: ${error.message}\n`);
    return EXIT_FAILED;
  }
  if (error instanceof ConnectError) {
    const unreachable = networkCode(error);
    if (unreachable !== undefined || (error.code === Code.Unavailable && endpoint !== undefined)) {
      err(`error: cannot reach admin at ${endpoint ?? "its endpoint"} (${unreachable ?? error.rawMessage}); start it with \`skein serve admin\` or set --endpoint / SKEIN_ENDPOINT\n`);
      return EXIT_FAILED;
    }
    err(`error: ${error.rawMessage}\n`);
    return error.code === Code.InvalidArgument ? EXIT_USAGE : EXIT_FAILED;
  }
  throw error;
}
