import { create } from "@bufbuild/protobuf";
import { PromiseAttributeSchema, type LiteralType } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { listType, mapType, structType } from "../types/builders.js";
import { describeType } from "../types/describe-type.js";
import { resolveAttrPath } from "./attr-path.js";
import { FLOAT, INT, STRUCT } from "../test-support/compiler-fixtures.js";

const path = (...steps: (string | number)[]) =>
  steps.map((s) => create(PromiseAttributeSchema, { value: typeof s === "number" ? { case: "intValue", value: s } : { case: "stringValue", value: s } }));

function typeAt(type: LiteralType, ...steps: (string | number)[]): string {
  const result = resolveAttrPath(type, path(...steps));
  if ("problem" in result) return `problem: ${result.problem}`;
  return typeof result.type === "string" ? result.type : describeType(result.type);
}

const record = structType({
  $defs: { Inner: { type: "object", properties: { v: { type: "number" } } } },
  type: "object",
  properties: {
    inner: { $ref: "#/$defs/Inner" },
    tags: { type: "array", items: { type: "string" } },
    maybe: { anyOf: [{ type: "integer" }, { type: "null" }] },
    color: { type: "string", enum: ["r", "g"] },
    pair: { type: "array", prefixItems: [{ type: "integer" }, { type: "boolean" }] },
    nullable: { type: ["boolean", "null"] },
  },
  required: ["inner"],
});

describe("resolveAttrPath", () => {
  it("indexes lists by position and maps by key", () => {
    expect(typeAt(listType(INT), 0)).toBe("int");
    expect(typeAt(mapType(listType(FLOAT)), "k", 1)).toBe("float");
    expect(typeAt(mapType(INT), 0)).toBe("problem: map<string, int> is indexed by key, not by position 0");
    expect(typeAt(listType(mapType(INT)), 0, 1)).toBe("problem: map<string, int> at [0] is indexed by key, not by position 1");
    expect(typeAt(INT, "x")).toBe("problem: int cannot be indexed");
  });

  it("follows struct schemas, references included, and types what it reaches", () => {
    expect(typeAt(record, "inner", "v")).toBe("float");
    expect(typeAt(record, "tags")).toBe("list<string>");
    expect(typeAt(record, "tags", 3)).toBe("string");
    expect(typeAt(record, "maybe")).toBe("optional<int>");
    expect(typeAt(record, "color")).toBe("enum{r|g}");
    expect(typeAt(record, "pair", 1)).toBe("boolean");
    expect(typeAt(record, "nullable")).toBe("optional<boolean>");
  });

  it("keeps the root's definitions in a nested struct type", () => {
    const nested = resolveAttrPath(record, path("inner"));
    expect("type" in nested && typeof nested.type !== "string" && nested.type.type.case).toBe("structType");
    const schema = "type" in nested && typeof nested.type !== "string" && nested.type.type.case === "structType" ? nested.type.type.value.jsonSchema : "";
    expect(JSON.parse(schema)).toEqual({ $defs: { Inner: { type: "object", properties: { v: { type: "number" } } } }, type: "object", properties: { v: { type: "number" } } });
  });

  it("reports fields and elements the schema rules out", () => {
    expect(typeAt(record, "nope")).toBe('problem: the struct has no field "nope" (fields: color, inner, maybe, nullable, pair, tags)');
    expect(typeAt(record, "tags", "x")).toBe('problem: a JSON array has no field "x" at .tags');
    expect(typeAt(record, "inner", 0)).toBe("problem: a JSON object has no element [0] at .inner");
    expect(typeAt(listType(record), 2, "inner", "w")).toBe('problem: the struct has no field "w" (fields: v) at [2].inner');
  });

  it("accepts any path into schemaless structs and open objects, with an unknown type", () => {
    expect(typeAt(STRUCT, "a", 0, "b")).toBe("unknown");
    expect(typeAt(structType(), "a")).toBe("unknown");
    expect(typeAt(structType({ type: "object" }), "a")).toBe("unknown");
    expect(typeAt(structType({ type: "object", additionalProperties: { type: "integer" } }), "any")).toBe("int");
  });
});
