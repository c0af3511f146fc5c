import { create } from "@bufbuild/protobuf";
import { ParameterMapSchema, SimpleType, VariableMapSchema } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { listType, optionalType, simpleType } from "../types/builders.js";
import { intLiteral, listLiteral, literalMap, stringLiteral } from "./builders.js";
import { checkLiteralMap } from "./check-map.js";

const int = simpleType(SimpleType.INTEGER);

describe("checkLiteralMap", () => {
  const variables = create(VariableMapSchema, {
    variables: { n: { type: int }, names: { type: listType(simpleType(SimpleType.STRING)) }, maybe: { type: optionalType(int) } },
  });

  it("accepts a complete, well-typed set and leaves optionals out", () => {
    expect(checkLiteralMap(literalMap({ n: intLiteral(1), names: listLiteral([stringLiteral("a")]) }), variables)).toEqual([]);
  });

  it("reports unknown names, type problems and missing required names together", () => {
    const problems = checkLiteralMap(literalMap({ n: stringLiteral("1"), extra: intLiteral(2), constructor: intLiteral(3) }), variables, "inputs");
    expect(problems).toEqual([
      `inputs.n: expected int, got string "1"`,
      "inputs.extra: unknown name; expected one of: maybe, n, names",
      "inputs.constructor: unknown name; expected one of: maybe, n, names",
      "inputs.names: expected list<string>, got nothing (required input missing)",
    ]);
  });

  it("with parameters, requires only those marked required", () => {
    const parameters = create(ParameterMapSchema, {
      parameters: {
        must: { var: { type: int }, behavior: { case: "required", value: true } },
        dflt: { var: { type: int }, behavior: { case: "default", value: intLiteral(5) } },
        free: { var: { type: int } },
      },
    });
    expect(checkLiteralMap(literalMap({}), parameters, "lp")).toEqual(["lp.must: expected int, got nothing (required input missing)"]);
    expect(checkLiteralMap(literalMap({ must: intLiteral(1), dflt: stringLiteral("x") }), parameters, "lp")).toEqual([
      `lp.dflt: expected int, got string "x"`,
    ]);
  });

  it("explains when the interface declares nothing", () => {
    expect(checkLiteralMap(literalMap({ a: intLiteral(1) }), create(VariableMapSchema))).toEqual([
      "inputs.a: unknown name; the interface declares no names",
    ]);
  });
});
