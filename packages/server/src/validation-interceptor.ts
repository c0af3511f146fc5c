import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { validate } from "@skein/idl/validate";

function check<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): void {
  const violations = validate(schema, message);
  if (violations.length === 0) return;
  const problems = violations.map((v) => `${v.field}: ${v.message}`).join("; ");
  throw new ConnectError(`invalid ${schema.typeName}: ${problems}`, Code.InvalidArgument);
}

/**
 * Enforces the protovalidate rules declared in the protos on every request message, once, for
 * every RPC. A message that breaks rules is rejected with `InvalidArgument`, and the error names
 * every invalid field (`project.id: value does not match regex pattern ...`), not only the first.
 * Streamed requests are checked message by message as the handler reads them.
 */
export function createValidationInterceptor(): Interceptor {
  return (next) => async (req) => {
    if (!req.stream) {
      check(req.method.input, req.message);
      return next(req);
    }
    const source = req.message;
    const input = req.method.input;
    async function* checked() {
      for await (const message of source) {
        check(input, message);
        yield message;
      }
    }
    return next({ ...req, message: checked() });
  };
}
