import { SimpleType } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { optionalType, simpleType } from "../types/builders.js";
import { blobLiteral, intLiteral, listLiteral, literalMap, mapLiteral, noneLiteral, unionLiteral } from "./builders.js";
import { describeLiteral } from "./describe-literal.js";

describe("literal builders", () => {
  it("build the values their names say", () => {
    expect(describeLiteral(intLiteral(2n ** 63n - 1n))).toBe("int 9223372036854775807");
    expect(describeLiteral(listLiteral([noneLiteral()]))).toBe("list of 1");
    expect(describeLiteral(mapLiteral({ a: intLiteral(1) }))).toBe("map of 1");
    expect(describeLiteral(blobLiteral("s3://b/d", "", true))).toBe("dir s3://b/d");
    expect(describeLiteral(unionLiteral(intLiteral(1), optionalType(simpleType(SimpleType.INTEGER))))).toBe("union value of variant optional<int>");
    expect(Object.keys(literalMap({ x: intLiteral(1) }).literals)).toEqual(["x"]);
  });

  it("refuses integers a number cannot hold exactly", () => {
    expect(() => intLiteral(2 ** 60)).toThrow(/not a safe integer/);
    expect(() => intLiteral(1.5)).toThrow(/1.5 is not a safe integer/);
  });
});
