import { describe, expect, it } from "vitest";
import { diffJson, formatDifferences } from "./json-diff.js";

describe("diffJson", () => {
  it("finds changed, added and removed leaves with readable paths", () => {
    const before = { type: "container", config: { "odd key": "1" }, args: ["a", "b"], gone: true };
    const after = { type: "container", config: { "odd key": "2" }, args: ["a"], added: { n: 1 } };
    const differences = diffJson(before, after, "t");
    expect(differences).toEqual([
      { path: "t.added", before: undefined, after: { n: 1 } },
      { path: "t.args[1]", before: "b", after: undefined },
      { path: 't.config["odd key"]', before: "1", after: "2" },
      { path: "t.gone", before: true, after: undefined },
    ]);
    expect(formatDifferences(differences, 2)).toBe('t.added: (unset) → {"n":1}; t.args[1]: "b" → (unset); and 2 more');
  });

  it("finds nothing between equal documents, whatever their key order", () => {
    expect(diffJson({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toEqual([]);
  });
});
