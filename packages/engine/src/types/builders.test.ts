import { BlobDimensionality, SimpleType } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { blobType, enumType, listType, mapType, optionalType, simpleType, structType, taggedType, unionType } from "./builders.js";
import { describeType } from "./describe-type.js";

describe("type builders", () => {
  it("build the types their names say", () => {
    const int = simpleType(SimpleType.INTEGER);
    expect(describeType(listType(mapType(int)))).toBe("list<map<string, int>>");
    expect(describeType(optionalType(int))).toBe("optional<int>");
    expect(describeType(unionType(int, simpleType(SimpleType.STRING)))).toBe("union<int|string>");
    expect(describeType(enumType(["a", "b"]))).toBe("enum{a|b}");
    expect(describeType(blobType("csv", true))).toBe("dir(csv)");
    const blob = blobType().type;
    expect(blob.case === "blob" && [blob.value.format, blob.value.dimensionality]).toEqual(["", BlobDimensionality.SINGLE]);
  });

  it("store struct schemas as canonical JSON text", () => {
    const t = structType({ type: "object", title: "P", properties: { b: {}, a: {} } });
    expect(t.type.case === "structType" && t.type.value.jsonSchema).toBe(`{"properties":{"a":{},"b":{}},"title":"P","type":"object"}`);
    const empty = structType().type;
    expect(empty.case === "structType" && empty.value.jsonSchema).toBe("");
  });

  it("tag a copy, leaving the original untouched", () => {
    const int = simpleType(SimpleType.INTEGER);
    const tagged = taggedType(int, "Count");
    expect(tagged.structure?.tag).toBe("Count");
    expect(int.structure).toBeUndefined();
    expect(tagged.type).toEqual(int.type);
  });
});
