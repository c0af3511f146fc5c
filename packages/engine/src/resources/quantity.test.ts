import { create } from "@bufbuild/protobuf";
import { ResourceEntrySchema, ResourceName } from "@skein/idl";
import { validate } from "@skein/idl/validate";
import { describe, expect, it } from "vitest";
import { ResourceAmountError } from "./resource-error.js";
import { compareQuantities, minQuantity, parseQuantity } from "./quantity.js";

const q = (text: string) => parseQuantity(text, "amount");
const compare = (a: string, b: string) => compareQuantities(q(a), q(b));

function refusal(text: string): ResourceAmountError {
  try {
    parseQuantity(text, "limits.memory");
  } catch (e) {
    if (e instanceof ResourceAmountError) return e;
    throw e;
  }
  return expect.fail(`${JSON.stringify(text)} was accepted`);
}

describe("quantities", () => {
  it("hold exact values for every suffix", () => {
    expect(q("2")).toMatchObject({ numerator: 2n, denominator: 1n, text: "2" });
    expect(q("500m")).toMatchObject({ numerator: 500n, denominator: 1000n });
    expect(q("1Ki")).toMatchObject({ numerator: 1024n, denominator: 1n });
    expect(q("1.5Gi")).toMatchObject({ numerator: 15n * 2n ** 30n, denominator: 10n });
    expect(q("3k")).toMatchObject({ numerator: 3000n, denominator: 1n });
    expect(q("1e3")).toMatchObject({ numerator: 1000n, denominator: 1n });
    expect(q("25E-1")).toMatchObject({ numerator: 25n, denominator: 10n });
    expect(q("7n")).toMatchObject({ numerator: 7n, denominator: 10n ** 9n });
    expect(q("1Ei")).toMatchObject({ numerator: 2n ** 60n, denominator: 1n });
  });

  it("compare across binary and decimal suffixes", () => {
    expect(compare("1Gi", "1000Mi")).toBeGreaterThan(0);
    expect(compare("1Gi", "1024Mi")).toBe(0);
    expect(compare("1G", "1Gi")).toBeLessThan(0);
    expect(compare("1G", "1000M")).toBe(0);
    expect(compare("512Mi", "0.5Gi")).toBe(0);
    expect(compare("1Mi", "1M")).toBeGreaterThan(0);
    expect(compare("1Ki", "1k")).toBeGreaterThan(0);
  });

  it("treat equal amounts written differently as equal", () => {
    expect(compare("0.5", "500m")).toBe(0);
    expect(compare(".5", "500m")).toBe(0);
    expect(compare("2.", "2")).toBe(0);
    expect(compare("1e3", "1k")).toBe(0);
    expect(compare("1000m", "1")).toBe(0);
    expect(compare("0", "0m")).toBe(0);
    expect(compare("0.000001", "1u")).toBe(0);
    expect(compare("0010", "10")).toBe(0);
  });

  it("order small differences exactly", () => {
    expect(compare("1001m", "1")).toBeGreaterThan(0);
    expect(compare("999m", "1")).toBeLessThan(0);
    expect(compare("1n", "0")).toBeGreaterThan(0);
    expect(compare("1073741823", "1Gi")).toBeLessThan(0);
    expect(compare("1073741824", "1Gi")).toBe(0);
    expect(compare("100e-2", "1")).toBe(0);
  });

  it("picks the smaller amount, the first when equal, keeping its text", () => {
    expect(minQuantity(q("2Gi"), q("1000Mi")).text).toBe("1000Mi");
    expect(minQuantity(q("1k"), q("1e3")).text).toBe("1k");
    expect(minQuantity(q("250m"), q("1")).text).toBe("250m");
  });

  it("refuse anything that is not a quantity, naming the field", () => {
    for (const text of ["", "lots", "-1", "+1", "1.5.2", "1Gb", "1KiB", "1K", "1 Gi", "Gi", "1mi", "1e", "e3", ".", "1,5"]) {
      const error = refusal(text);
      expect(error.field, text).toBe("limits.memory");
      expect(error.message).toBe(`limits.memory: ${JSON.stringify(text)} is not a quantity such as "500m", "2", "1Gi" or "512Mi"`);
    }
  });

  it("refuse exponents beyond the supported range", () => {
    expect(refusal("1e101").message).toBe('limits.memory: "1e101" has an exponent beyond ±100');
    expect(refusal("1e-101").message).toBe('limits.memory: "1e-101" has an exponent beyond ±100');
    expect(compare("1e100", "1e99")).toBeGreaterThan(0);
  });

  it("accept exactly what the proto's quantity pattern accepts", () => {
    const samples = ["0", "2", "2.", ".5", "0.25", "500m", "1Gi", "512Mi", "1e3", "1E+3", "5e-1", "7n", "3u", "1k", "1Ei", "1K", "1Gb", "-1", "+1", "", "1.2.3", "1e", "1mi", "1 Gi", "1e+"];
    for (const text of samples) {
      const protoAccepts = validate(ResourceEntrySchema, create(ResourceEntrySchema, { name: ResourceName.MEMORY, value: text })).length === 0;
      let parsed = true;
      try {
        parseQuantity(text, "value");
      } catch {
        parsed = false;
      }
      expect(parsed, text).toBe(protoAccepts);
    }
  });
});
