import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { BlobDimensionality, LiteralMapSchema, LiteralSchema, type Literal, type LiteralMap, type LiteralType, type ScalarSchema } from "@skein/idl";

// Small constructors for literal values, so code and tests read like the values they build.

function scalar(value: MessageInitShape<typeof ScalarSchema>["value"]): Literal {
  return create(LiteralSchema, { value: { case: "scalar", value: { value } } });
}

/** An integer; numbers must be safe integers (use a bigint beyond 2^53). */
export function intLiteral(value: bigint | number): Literal {
  if (typeof value === "number" && !Number.isSafeInteger(value)) throw new Error(`intLiteral: ${value} is not a safe integer`);
  return scalar({ case: "primitive", value: { value: { case: "integer", value: BigInt(value) } } });
}

/** A double-precision number. */
export function floatLiteral(value: number): Literal {
  return scalar({ case: "primitive", value: { value: { case: "floatValue", value } } });
}

/** A string (also the form of an enum value). */
export function stringLiteral(value: string): Literal {
  return scalar({ case: "primitive", value: { value: { case: "stringValue", value } } });
}

/** A boolean. */
export function boolLiteral(value: boolean): Literal {
  return scalar({ case: "primitive", value: { value: { case: "boolean", value } } });
}

/** A point in time, to the millisecond. */
export function datetimeLiteral(value: Date): Literal {
  return scalar({ case: "primitive", value: { value: { case: "datetime", value: timestampFromDate(value) } } });
}

/** The absent value. */
export function noneLiteral(): Literal {
  return scalar({ case: "noneType", value: {} });
}

/** A file (`dir` false) or directory (`dir` true) at `uri`. */
export function blobLiteral(uri: string, format = "", dir = false): Literal {
  const dimensionality = dir ? BlobDimensionality.MULTIPART : BlobDimensionality.SINGLE;
  return scalar({ case: "blob", value: { uri, metadata: { type: { format, dimensionality } } } });
}

/** A structured value from its JSON text (canonical JSON, see StructValue). */
export function structLiteral(json: string): Literal {
  return scalar({ case: "structValue", value: { json } });
}

/** `value` wrapped as the union variant `variant`. */
export function unionLiteral(value: Literal, variant: LiteralType): Literal {
  return scalar({ case: "union", value: { value, type: variant } });
}

/** An ordered list. */
export function listLiteral(items: readonly Literal[]): Literal {
  return create(LiteralSchema, { value: { case: "collection", value: { literals: [...items] } } });
}

/** A map keyed by string. */
export function mapLiteral(entries: Readonly<Record<string, Literal>>): Literal {
  return create(LiteralSchema, { value: { case: "map", value: { literals: { ...entries } } } });
}

/** A set of named literals, such as the inputs of a task. */
export function literalMap(entries: Readonly<Record<string, Literal>>): LiteralMap {
  return create(LiteralMapSchema, { literals: { ...entries } });
}
