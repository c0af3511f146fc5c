import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { pathToString } from "@bufbuild/protobuf/reflect";
import { createValidator, type Violation } from "@bufbuild/protovalidate";

/** One broken rule: the field path as written in the proto (`id.project`) and what is wrong. */
export interface FieldViolation {
  readonly field: string;
  readonly message: string;
  readonly rule: string;
}

/** Thrown by {@link assertValid}; `violations` lists every broken rule, not only the first. */
export class ValidationError extends Error {
  readonly violations: readonly FieldViolation[];

  constructor(typeName: string, violations: readonly FieldViolation[]) {
    super(`invalid ${typeName}: ${violations.map((v) => `${v.field}: ${v.message}`).join("; ")}`);
    this.name = "ValidationError";
    this.violations = violations;
  }
}

// The validator caches compiled rules per message type; one per process is enough.
const validator = createValidator();

function toFieldViolation(violation: Violation): FieldViolation {
  const field = pathToString(violation.field);
  return { field: field === "" ? "(message)" : field, message: violation.message, rule: violation.ruleId };
}

/** Checks a message against the protovalidate rules declared in its proto. */
export function validate<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): FieldViolation[] {
  const result = validator.validate(schema, message);
  switch (result.kind) {
    case "valid":
      return [];
    case "invalid":
      return result.violations.map(toFieldViolation);
    case "error":
      throw result.error;
  }
}

/** Like {@link validate}, but throws a {@link ValidationError} naming every invalid field. */
export function assertValid<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): void {
  const violations = validate(schema, message);
  if (violations.length > 0) throw new ValidationError(schema.typeName, violations);
}
