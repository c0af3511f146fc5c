import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "./logger.js";

// Codes that describe a problem with the request rather than with the server.
const clientCodes = new Set<Code>([
  Code.Canceled,
  Code.InvalidArgument,
  Code.NotFound,
  Code.AlreadyExists,
  Code.PermissionDenied,
  Code.FailedPrecondition,
  Code.OutOfRange,
  Code.Unimplemented,
  Code.Unauthenticated,
  Code.ResourceExhausted,
  Code.Aborted,
]);

/**
 * Turns whatever a handler throws into what a client may see. A ConnectError keeps its code,
 * message, metadata and details but loses its `cause`; anything else becomes `Internal` with a
 * generic message, since its text may carry SQL, paths or secrets. The original error, cause
 * included, is logged: client errors at warn, server errors at error.
 */
export function createErrorInterceptor(logger: Logger): Interceptor {
  const normalize = (error: unknown, procedure: string): ConnectError => {
    if (error instanceof ConnectError) {
      const clientFault = clientCodes.has(error.code);
      const level = clientFault ? "warn" : "error";
      logger[level]("request failed", { procedure, code: Code[error.code], error: error.rawMessage, cause: error.cause });
      const clean = new ConnectError(error.rawMessage, error.code, error.metadata);
      clean.details.push(...error.details);
      return clean;
    }
    logger.error("request failed unexpectedly", { procedure, code: Code[Code.Internal], error });
    return new ConnectError("internal error", Code.Internal);
  };
  return (next) => async (req) => {
    const procedure = `${req.service.typeName}/${req.method.name}`;
    let res;
    try {
      res = await next(req);
    } catch (error) {
      throw normalize(error, procedure);
    }
    if (!res.stream) return res;
    const source = res.message;
    async function* guarded() {
      try {
        yield* source;
      } catch (error) {
        throw normalize(error, procedure);
      }
    }
    return { ...res, message: guarded() };
  };
}
