import { SimpleType } from "@skein/idl";
import { describeType } from "@skein/engine";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { literalTypeOf, UnsupportedSchemaError } from "./literal-type-of.js";
import { t } from "./t.js";

const described = (schema: z.ZodType) => describeType(literalTypeOf(schema));

describe("literalTypeOf", () => {
  it("maps every builder to its literal type", () => {
    expect(described(t.string())).toBe("string");
    expect(described(t.int())).toBe("int");
    expect(described(t.bigint())).toBe("int");
    expect(described(t.float())).toBe("float");
    expect(described(t.boolean())).toBe("boolean");
    expect(described(t.datetime())).toBe("datetime");
    expect(described(t.duration())).toBe("duration");
    expect(described(t.bytes())).toBe("bytes");
    expect(described(t.enum(["a", "b"]))).toBe("enum{a|b}");
    expect(described(t.file())).toBe("file");
    expect(described(t.file("csv"))).toBe("file(csv)");
    expect(described(t.dir())).toBe("dir");
    expect(described(t.error())).toBe("error");
    expect(described(t.list(t.int()))).toBe("list<int>");
    expect(described(t.map(t.float()))).toBe("map<string, float>");
  });

  it("maps optional, nullable and unions, flattening nested unions", () => {
    expect(described(t.optional(t.int()))).toBe("optional<int>");
    expect(described(t.int().optional())).toBe("optional<int>");
    expect(described(t.int().nullable())).toBe("optional<int>");
    expect(described(t.int().nullish())).toBe("optional<int>");
    expect(described(t.union(t.int(), t.string()))).toBe("union<int|string>");
    expect(described(t.union(t.int(), t.string()).optional())).toBe("union<int|string|none>");
    expect(described(t.list(t.map(t.optional(t.string()))))).toBe("list<map<string, optional<string>>>");
  });

  it("keeps the tag through describe, default and meta", () => {
    expect(described(t.duration().describe("how long").default(5))).toBe("duration");
    expect(described(t.file("csv").meta({ note: "x" }))).toBe("file(csv)");
    expect(described(t.bytes().optional().describe("raw"))).toBe("optional<bytes>");
  });

  it("maps plain zod schemas too", () => {
    expect(described(z.number().int())).toBe("int");
    expect(described(z.number())).toBe("float");
    expect(described(z.null())).toBe("none");
  });

  it("maps structs to their canonical JSON Schema, titled", () => {
    const point = t.struct({ y: t.int(), x: t.bigint(), label: t.string().optional(), tags: t.list(t.string()) }, { title: "Point" });
    const type = literalTypeOf(point);
    expect(type.type.case).toBe("structType");
    const text = type.type.case === "structType" ? type.type.value.jsonSchema : "";
    const schema = JSON.parse(text) as { title: string; properties: Record<string, unknown>; required: string[] };
    expect(schema.title).toBe("Point");
    expect(schema.properties.x).toEqual({ format: "int64", type: "integer" });
    expect(schema.required).toEqual(["y", "x", "tags"]);
    expect(text).not.toMatch(/\s/);
    expect(Object.keys(JSON.parse(text) as object)).toEqual([...Object.keys(JSON.parse(text) as object)].sort());
    expect(describeType(type)).toBe("struct Point");
  });

  it("allows files and nested structs inside structs", () => {
    expect(described(t.struct({ data: t.file("csv"), inner: t.struct({ n: t.int() }) }))).toBe("struct");
  });

  it("rejects what has no literal type, naming the place and the schema", () => {
    const cases: [z.ZodType, RegExp][] = [
      [z.tuple([z.string()]), /^in\.x: z\.tuple\(\) has no Skein type; use t\.list\(\) or t\.struct\(\)$/],
      [z.string().transform((s) => s.length), /z\.pipe\(\)/],
      [z.any(), /z\.any\(\)/],
      [z.literal("a"), /use t\.enum/],
      [z.record(z.enum(["a"]), z.int()), /non-string keys/],
      [t.struct({ when: t.datetime() }), /^in\.x\.when: t\.datetime\(\)/],
      [t.struct({ blob: t.bytes() }), /^in\.x\.blob: t\.bytes\(\)/],
      [t.union(t.int(), t.bigint()), /variants 0 and 1 are both int/],
      [z.map(z.string(), z.int()), /z\.map\(\)/],
    ];
    for (const [schema, message] of cases) {
      expect(() => literalTypeOf(schema, "in.x")).toThrow(UnsupportedSchemaError);
      expect(() => literalTypeOf(schema, "in.x")).toThrow(message);
    }
  });

  it("returns the same (cached) type for the same schema", () => {
    const schema = t.list(t.int());
    expect(literalTypeOf(schema)).toBe(literalTypeOf(schema));
    expect(literalTypeOf(schema).type.case === "collectionType" && literalTypeOf(schema).type.value).toMatchObject({ type: { case: "simple", value: SimpleType.INTEGER } });
  });
});

describe("t.int and t.bigint", () => {
  it("rejects integers beyond 2^53 in t.int, pointing to t.bigint", () => {
    const result = t.int().safeParse(2 ** 60);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/use t\.bigint\(\)/);
    expect(t.int().safeParse(1.5).success).toBe(false);
  });

  it("bounds t.bigint to 64 bits", () => {
    expect(t.bigint().safeParse(2n ** 63n - 1n).success).toBe(true);
    expect(t.bigint().safeParse(2n ** 63n).success).toBe(false);
    expect(t.bigint().safeParse(-(2n ** 63n) - 1n).success).toBe(false);
  });
});
