import { create } from "@bufbuild/protobuf";
import { BindingDataSchema, BindingSchema, LiteralTypeSchema, SimpleType, type Literal, type LiteralMap } from "@skein/idl";
import { describe, expect, test } from "vitest";
import { applyAttrPath } from "./attr-path.js";
import { resolveBindings, type OutputSource } from "./bindings.js";
import { canonicalJson, parseJsonText } from "./json-text.js";
import { floatLiteral, mapLiteral, noneLiteral } from "./literal-values.js";
import { bool, int, list, listBinding, literalBinding, lmap, mapBinding, promise, str, struct } from "./test-fixtures.js";

const outputs: Record<string, LiteralMap> = {
  n0: lmap({
    o0: list([int(1), list([int(2), int(3)])]),
    m: mapLiteral({ a: int(9) }),
    s: struct('{"a": {"b": [10, 12345678901234567890123, 1.5, "x", true, null, {"z": 1, "y": [2]}]}, "big": 9223372036854775807}'),
  }),
};
const source: OutputSource = (node, variable) => {
  const value = outputs[node]?.literals[variable];
  return value ? { ok: true, value } : { ok: false, message: `node "${node}" has no output "${variable}"` };
};
const resolve = (data: ReturnType<typeof promise>) => resolveBindings([create(BindingSchema, { var: "in", binding: data })], source);
const value = (data: ReturnType<typeof promise>): Literal | string => {
  const r = resolve(data);
  return r.ok ? (r.value.literals.in ?? "missing") : r.message;
};

describe("binding resolution", () => {
  test("scalars, collections and maps of bindings", () => {
    expect(value(literalBinding(int(4)))).toEqual(int(4));
    expect(value(listBinding([literalBinding(int(1)), promise("n0", "m", "a")]))).toEqual(list([int(1), int(9)]));
    const m = value(mapBinding({ b: literalBinding(str("x")), a: promise("n0", "o0", 0) }));
    expect(typeof m !== "string" && m.value.case === "map" && Object.keys(m.value.value.literals)).toEqual(["a", "b"]);
  });

  test("attribute paths index lists by int, maps by key, and struct JSON by either", () => {
    expect(value(promise("n0", "o0", 1, 0))).toEqual(int(2));
    expect(value(promise("n0", "s", "a", "b", 0))).toEqual(int(10));
    expect(value(promise("n0", "s", "a", "b", 1))).toBe('n0.s["a"]["b"][1]: the integer 12345678901234567890123 does not fit in 64 bits');
    expect(value(promise("n0", "s", "big"))).toEqual(int(9223372036854775807n));
    expect(value(promise("n0", "s", "a", "b", 2))).toEqual(floatLiteral(1.5));
    expect(value(promise("n0", "s", "a", "b", 3))).toEqual(str("x"));
    expect(value(promise("n0", "s", "a", "b", 4))).toEqual(bool(true));
    expect(value(promise("n0", "s", "a", "b", 5))).toEqual(noneLiteral());
    expect(value(promise("n0", "s", "a", "b", 6))).toEqual(struct('{"y":[2],"z":1}'));
  });

  test("a missing key or index names the node, output and path", () => {
    expect(value(promise("n0", "s", "a", "nope"))).toBe('n0.s["a"]["nope"]: key "nope" is not in the object');
    expect(value(promise("n0", "o0", 5))).toBe("n0.o0[5]: index 5 is out of range (the list has 2 items)");
    expect(value(promise("n0", "m", "zz"))).toBe('n0.m["zz"]: key "zz" is not in the map');
    expect(value(promise("n0", "o0", "k"))).toBe('n0.o0["k"]: cannot take key "k" of a collection');
    expect(value(promise("n0", "o0", 0, 0))).toBe("n0.o0[0][0]: cannot take index 0 of an int");
    expect(value(promise("n0", "s", "q", 1))).toBe('n0.s["q"][1]: at ["q"]: key "q" is not in the object');
    expect(value(promise("n1", "o0"))).toBe('node "n1" has no output "o0"');
    const r = resolve(listBinding([literalBinding(int(1)), promise("n0", "zz")]));
    expect(r).toEqual({ ok: false, input: "in", message: 'item 1: node "n0" has no output "zz"', skipped: false });
  });

  test("a union target wraps the value with its variant type", () => {
    const t = create(LiteralTypeSchema, { type: { case: "simple", value: SimpleType.INTEGER } });
    const data = create(BindingDataSchema, { value: promise("n0", "m", "a").value, union: { targetType: t } });
    const v = value(data);
    expect(typeof v !== "string" && v.value.case === "scalar" && v.value.value.value).toMatchObject({ case: "union", value: { value: int(9), type: t } });
    expect(applyAttrPath(v as Literal, [])).toEqual({ ok: true, value: v });
  });
});

describe("JSON text", () => {
  test("keeps number text, sorts keys canonically and rejects malformed input", () => {
    expect(canonicalJson(parseJsonText(' { "b" : [1.50, -0, 1e3], "a" : "\\u00e9\\n" } '))).toBe('{"a":"é\\n","b":[1.50,-0,1e3]}');
    expect(() => parseJsonText('{"a": }')).toThrow("invalid JSON at offset 6: expected a value");
    expect(() => parseJsonText("[1, 2] x")).toThrow("invalid JSON at offset 7: unexpected text after the value");
    expect(() => parseJsonText('"abc')).toThrow(/unterminated string/);
    expect(() => parseJsonText("[" .repeat(2000))).toThrow(/nesting deeper than 1000/);
  });
});
