import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, parseExactJson } from "./exact-json.js";

describe("canonical and exact JSON", () => {
  it("sorts keys by code point, drops undefined members and writes integers as digits", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: undefined, "\u{1F600}": 0, "\uFFFF": 1 })).toBe('{"a":[true,null,"x"],"b":1,"\uFFFF":1,"\u{1F600}":0}');
    expect(canonicalJson(1e21)).toBe("1000000000000000000000");
    expect(canonicalJson(-0)).toBe("0");
    expect(canonicalJson(2n ** 70n)).toBe("1180591620717411303424");
    expect(canonicalJson(0.1)).toBe("0.1");
  });

  it("rejects what has no JSON form, naming where", () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow("value.a[1]: NaN has no JSON form");
    expect(() => canonicalJson({ m: new Map() }, "in")).toThrow("in.m: a Map has no JSON form");
    expect(() => canonicalJson([undefined])).toThrow("value[0]: a undefined has no JSON form");
  });

  it("parses integers beyond 2^53 as bigints and agrees with JSON.parse elsewhere", () => {
    expect(parseExactJson('{"n": 9007199254740993, "f": 1.5, "s": 12}')).toEqual({ n: 9007199254740993n, f: 1.5, s: 12 });
    expect(parseExactJson(' {"__proto__": 1} ')).toHaveProperty("__proto__", 1);
    expect(parseExactJson(' [ 1 , {"b" : "\\u00e9\\n"} ] ')).toEqual([1, { b: "\u00e9\n" }]);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(parseExactJson(text))).toBe(text);
      }),
    );
  });

  it("reports malformed text with its offset", () => {
    expect(() => parseExactJson('{"a" 1}')).toThrow("invalid JSON at offset 5: expected ':'");
    expect(() => parseExactJson("[1,]")).toThrow(/offset 3: expected a value/);
    expect(() => parseExactJson("1 2")).toThrow(/unexpected text after the value/);
    expect(() => parseExactJson('"\u0001"')).toThrow(/malformed string/);
  });
});
