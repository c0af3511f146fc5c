import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { RE2JS } from "@bufbuild/re2";
import { describe, expect, it } from "vitest";
import { IdentifierSchema, ResourceType, TaskTemplateSchema } from "./index.js";
import { assertValid, patternMatch, validate, ValidationError } from "./validate.js";

const good = { resourceType: ResourceType.TASK, project: "demo", domain: "development", name: "say_hello", version: "abc123" };

describe("protovalidate rules", () => {
  it("accepts a well-formed identifier", () => {
    expect(validate(IdentifierSchema, create(IdentifierSchema, good))).toEqual([]);
  });

  it("rejects an invalid identifier with messages naming each field", () => {
    const bad = create(IdentifierSchema, { ...good, project: "Demo Project", name: "", resourceType: ResourceType.UNSPECIFIED });
    const violations = validate(IdentifierSchema, bad);
    expect(violations.map((v) => v.field).sort()).toEqual(["name", "project", "resource_type"]);
    expect(() => assertValid(IdentifierSchema, bad)).toThrow(ValidationError);
    expect(() => assertValid(IdentifierSchema, bad)).toThrow(/^invalid skein\.core\.v1\.Identifier: .*project: /);
  });

  it("names nested fields by their full path", () => {
    const template = create(TaskTemplateSchema, { id: { ...good, version: "has space" }, type: "typescript" });
    expect(validate(TaskTemplateSchema, template)).toEqual([
      expect.objectContaining({ field: "id.version", rule: expect.stringContaining("pattern") as unknown }),
    ]);
    const missing = create(TaskTemplateSchema, { type: "typescript" });
    expect(validate(TaskTemplateSchema, missing).map((v) => v.field)).toEqual(["id"]);
  });
});

describe("pattern rules", () => {
  // Every `pattern` rule of our protos, as written there.
  const protoDir = fileURLToPath(new URL("../../../proto", import.meta.url));
  const patterns = new Set<string>();
  for (const file of readdirSync(protoDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".proto"))) {
    const text = readFileSync(join(protoDir, file), "utf8");
    for (const m of text.matchAll(/\bpattern\s*[:=]\s*"((?:[^"\\]|\\.)*)"/g)) patterns.add(JSON.parse(`"${m[1] ?? ""}"`) as string);
  }
  const probes = ["", "a", "demo", "Demo", "say_hello", "my-project", "-x", "x-", "a.b", "a/b", "team.io/owner=ada", "gpu=true", "gpu", "1.5Gi", "500m", "abc123",
    "has space", "_x", "x_", "a".repeat(63), "a".repeat(64), "ü", "0".repeat(64), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "1e3", ".5", "x=y=z"];

  it("finds the protos' patterns", () => {
    expect(patterns.size).toBeGreaterThan(10);
  });

  it("match each probe the same way with RegExp as with RE2", () => {
    for (const pattern of patterns) {
      const re2 = RE2JS.compile(pattern);
      for (const probe of probes) expect(patternMatch(pattern, probe), `${pattern} on ${JSON.stringify(probe)}`).toBe(re2.test(probe));
      expect(() => new RegExp(pattern, "u"), pattern).not.toThrow();
    }
  });

  it("falls back to RE2 for a pattern RegExp does not take", () => {
    // RE2's inline flag group; JavaScript has no such syntax.
    expect(patternMatch("^(?i)abc$", "ABC")).toBe(true);
    expect(patternMatch("^(?i)abc$", "abd")).toBe(false);
  });
});
