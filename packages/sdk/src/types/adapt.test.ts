import { describe, expect, it } from "vitest";
import { adaptToSchema } from "./adapt.js";
import { t } from "./t.js";

describe("adaptToSchema", () => {
  it("reshapes canonical values the way each schema wants them", () => {
    expect(adaptToSchema(5n, t.int())).toBe(5);
    expect(adaptToSchema(5, t.bigint())).toBe(5n);
    expect(adaptToSchema(null, t.int().optional())).toBeUndefined();
    expect(adaptToSchema(null, t.int().nullable())).toBeNull();
    expect(adaptToSchema(null, t.int().default(3))).toBeUndefined();
    expect(adaptToSchema([1n, null], t.list(t.int().optional()))).toEqual([1, undefined]);
    expect(adaptToSchema({ a: 2n }, t.map(t.int()))).toEqual({ a: 2 });
    const S = t.struct({ n: t.bigint(), inner: t.struct({ m: t.int() }) });
    expect(adaptToSchema({ n: 1, inner: { m: 2 }, extra: true }, S)).toEqual({ n: 1n, inner: { m: 2 }, extra: true });
    expect(adaptToSchema(3n, t.union(t.string(), t.int()))).toBe(3);
  });

  it("leaves unsafe integers unsafe so t.int() rejects them rather than losing digits silently", () => {
    const value = adaptToSchema(2n ** 60n, t.int());
    expect(t.int().safeParse(value).success).toBe(false);
  });
});
