import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { IdentifierSchema, ResourceType, TaskTemplateSchema } from "./index.js";
import { assertValid, validate, ValidationError } from "./validate.js";

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
