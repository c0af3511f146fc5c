import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SimpleType, type LiteralType } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { parseCliValue } from "./cli-value.js";
import { fromLiteral } from "./convert.js";
import { literalTypeOf } from "./literal-type-of.js";
import { blobType, enumType, listType, mapType, optionalType, simpleType } from "./literal-types.js";
import { t } from "./t.js";

const INT = simpleType(SimpleType.INTEGER);
const parse = (text: string, type: LiteralType) => fromLiteral(parseCliValue(text, type, "x"), type);

describe("parseCliValue", () => {
  it("reads integers exactly and rejects anything else", () => {
    expect(parse("10", INT)).toBe(10n);
    expect(parse("-9223372036854775808", INT)).toBe(-(2n ** 63n));
    expect(() => parseCliValue("ten", INT, "epochs")).toThrow('--epochs: expected int, got "ten"');
    expect(() => parseCliValue("1.5", INT, "epochs")).toThrow('--epochs: expected int, got "1.5"');
    expect(() => parseCliValue("9223372036854775808", INT, "epochs")).toThrow(/outside the 64-bit range/);
  });

  it("reads floats, booleans and strings", () => {
    const FLOAT = simpleType(SimpleType.FLOAT);
    expect(parse("0.5", FLOAT)).toBe(0.5);
    expect(parse("1e-3", FLOAT)).toBe(0.001);
    expect(parse("-inf", FLOAT)).toBe(-Infinity);
    expect(() => parseCliValue("abc", FLOAT, "lr")).toThrow('--lr: expected float, got "abc"');
    const BOOL = simpleType(SimpleType.BOOLEAN);
    expect(["true", "1", "YES", "no", "0", "False"].map((s) => parse(s, BOOL))).toEqual([true, true, true, false, false, false]);
    expect(() => parseCliValue("maybe", BOOL, "dry")).toThrow('--dry: expected boolean, got "maybe"');
    expect(parse(" spaced ", simpleType(SimpleType.STRING))).toBe(" spaced ");
  });

  it("reads ISO 8601 datetimes (UTC without an offset) and rejects impossible dates", () => {
    const DT = simpleType(SimpleType.DATETIME);
    expect(parse("2024-03-01T10:20:30Z", DT)).toEqual(new Date("2024-03-01T10:20:30Z"));
    expect(parse("2024-03-01", DT)).toEqual(new Date("2024-03-01T00:00:00Z"));
    expect(parse("2024-03-01T10:00+02:00", DT)).toEqual(new Date("2024-03-01T08:00:00Z"));
    expect(() => parseCliValue("2024-02-30", DT, "at")).toThrow('--at: expected datetime, got "2024-02-30"');
    expect(() => parseCliValue("yesterday", DT, "at")).toThrow('--at: expected datetime, got "yesterday"');
  });

  it("reads durations as unit sequences or ISO 8601", () => {
    const D = simpleType(SimpleType.DURATION);
    expect(parse("90s", D)).toBe(90_000);
    expect(parse("1h30m", D)).toBe(5_400_000);
    expect(parse("500ms", D)).toBe(500);
    expect(parse("PT1H", D)).toBe(3_600_000);
    expect(() => parseCliValue("soon", D, "wait")).toThrow('--wait: expected duration, got "soon"');
  });

  it("reads enums, optionals and bytes", () => {
    expect(parse("b", enumType(["a", "b"]))).toBe("b");
    expect(() => parseCliValue("c", enumType(["a", "b"]), "mode")).toThrow('--mode: expected enum{a|b}, got "c" (one of a, b)');
    expect(parse("none", optionalType(INT))).toBeNull();
    expect(parse("", optionalType(INT))).toBeNull();
    expect(parse("7", optionalType(INT))).toBe(7n);
    expect(() => parseCliValue("x", optionalType(INT), "n")).toThrow('--n: expected optional<int>, got "x"');
    expect(parse("aGk=", simpleType(SimpleType.BINARY))).toEqual(new Uint8Array([104, 105]));
  });

  it("reads lists, maps and structs as JSON, checked against the type", () => {
    expect(parse("[1, 2, 3]", listType(INT))).toEqual([1n, 2n, 3n]);
    expect(parse('{"a": ["1h", "PT2S"]}', mapType(listType(simpleType(SimpleType.DURATION))))).toEqual({ a: [3_600_000, 2000] });
    expect(() => parseCliValue("[1, \"x\"]", listType(INT), "ns")).toThrow('--ns[1]: expected int, got "x"');
    expect(() => parseCliValue("[1,", listType(INT), "ns")).toThrow(/--ns: expected list<int>, got "\[1," \(not JSON/);
    const cfg = literalTypeOf(t.struct({ lr: t.float(), layers: t.bigint() }, { title: "Cfg" }));
    expect(parse('{"lr": 0.1, "layers": 12345678901234567890}', cfg)).toEqual({ lr: 0.1, layers: 12345678901234567890n });
    expect(() => parseCliValue('{"lr": "fast", "layers": 1}', cfg, "cfg")).toThrow(/--cfg: expected struct Cfg, got an object \(--cfg\.lr: expected number, got string\)/);
    const small = literalTypeOf(t.struct({ n: t.int() }));
    expect(() => parseCliValue('{"n": 12345678901234567890}', small, "s")).toThrow(/--s\.n: 12345678901234567890 is above the maximum 9007199254740991/);
  });

  it("reads files and directories as existing paths, made absolute", () => {
    const root = mkdtempSync(join(tmpdir(), "skein-cli-"));
    const data = join(root, "data.csv");
    writeFileSync(data, "a,b\n");
    mkdirSync(join(root, "out"));
    const cwd = process.cwd();
    process.chdir(root);
    try {
      expect(parse("data.csv", blobType("csv", false))).toEqual({ uri: pathToFileURL(data).href, format: "csv" });
      expect(parse("out", blobType("", true))).toEqual({ uri: pathToFileURL(join(root, "out")).href });
      expect(() => parseCliValue("missing.csv", blobType("", false), "data")).toThrow(/--data: expected file, got "missing\.csv" \(.*missing\.csv does not exist\)/);
      expect(() => parseCliValue("out", blobType("", false), "data")).toThrow(/is a directory/);
      expect(parse("s3://bucket/key", blobType("", false))).toEqual({ uri: "s3://bucket/key" });
    } finally {
      process.chdir(cwd);
    }
  });
});
