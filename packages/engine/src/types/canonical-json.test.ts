import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, compareCodePoints } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("sorts keys recursively, drops undefined members and writes bigints exactly", () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: true }], u: undefined, n: 2n ** 64n })).toBe(
      `{"a":[{"c":true,"d":null}],"b":1,"n":18446744073709551616}`,
    );
    expect(() => canonicalJson({ x: Number.NaN })).toThrow("value.x: NaN has no JSON form");
    expect(() => canonicalJson(undefined)).toThrow("value: a undefined has no JSON form");
  });

  it("parses back to the same value, whatever the key order", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const text = canonicalJson(value);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      expect(canonicalJson(JSON.parse(text))).toBe(text);
    }));
  });
});

describe("compareCodePoints", () => {
  it("orders by code point, placing astral characters after the rest of the BMP", () => {
    expect(compareCodePoints("\u{1F600}", "\uFFFF")).toBeGreaterThan(0);
    expect(compareCodePoints("a", "ab")).toBeLessThan(0);
    expect(compareCodePoints("b", "a")).toBeGreaterThan(0);
  });

  it("agrees with comparing arrays of code points", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 8 }), fc.string({ unit: "binary", maxLength: 8 }), (a, b) => {
      const ca = Array.from(a, (c) => c.codePointAt(0)!);
      const cb = Array.from(b, (c) => c.codePointAt(0)!);
      let expected = 0;
      for (let i = 0; i < Math.min(ca.length, cb.length) && expected === 0; i++) expected = ca[i]! - cb[i]!;
      if (expected === 0) expected = ca.length - cb.length;
      expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(expected));
    }));
  });
});
