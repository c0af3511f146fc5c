import { create } from "@bufbuild/protobuf";
import { BlobDimensionality, LiteralMapSchema, LiteralSchema, type Literal } from "@skein/idl";
import { describe, expect, it } from "vitest";
import { fileValueHref, logHref, opensDirectly, readableMap, type Readable, type ValueSource } from "./literal-value";

const blob = (uri: string, format = "", dir = false): Literal =>
  create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "blob", value: { uri, metadata: { type: { format, dimensionality: dir ? BlobDimensionality.MULTIPART : BlobDimensionality.SINGLE } } } } } } });
const list = (...items: Literal[]): Literal => create(LiteralSchema, { value: { case: "collection", value: { literals: items } } });
const map = (literals: Record<string, Literal>): Literal => create(LiteralSchema, { value: { case: "map", value: { literals } } });
const union = (value: Literal): Literal => create(LiteralSchema, { value: { case: "scalar", value: { value: { case: "union", value: { value } } } } });

const source: ValueSource = { project: "default", domain: "development", execution: "abc123", nodeId: "n0", io: "outputs" };

/** The query of a console link, as admin's route reads it. */
function queryOf(href: string): { path: string; fields: Record<string, string>; steps: string[] } {
  const url = new URL(href, "http://console.test");
  const fields = Object.fromEntries([...url.searchParams.entries()].filter(([k]) => k !== "path"));
  return { path: url.pathname, fields, steps: url.searchParams.getAll("path") };
}

describe("download links", () => {
  it("name a file value by execution, node, inputs or outputs, variable and path, on the console's own origin", () => {
    const href = fileValueHref(source, "report", ["2", "a key/with ?&= odd characters"]);
    expect(href.startsWith("/files/value?")).toBe(true);
    expect(queryOf(href)).toEqual({
      path: "/files/value",
      fields: { project: "default", domain: "development", execution: "abc123", node: "n0", io: "outputs", var: "report" },
      steps: ["2", "a key/with ?&= odd characters"],
    });
    expect(queryOf(fileValueHref({ ...source, io: "inputs" }, "doc")).steps).toEqual([]);
  });

  it("name a log by attempt and log name", () => {
    const href = logHref({ project: "p", domain: "d", execution: "e", nodeId: "n-0", attempt: 2 }, "stdout");
    expect(queryOf(href)).toEqual({ path: "/files/log", fields: { project: "p", domain: "d", execution: "e", node: "n-0", attempt: "2", log: "stdout" }, steps: [] });
    expect(opensDirectly("https://logs.example.com/x")).toBe(true);
    expect(opensDirectly("file:///var/skein/attempt/stdout.log")).toBe(false);
    expect(opensDirectly("s3://bucket/logs/x")).toBe(false);
  });

  it("go on every single file of a node's data, through lists, maps and unions, and not on directories", () => {
    const data = create(LiteralMapSchema, {
      literals: {
        doc: blob("file:///repo/words.txt", "txt"),
        parts: list(blob("s3://b/0.csv", "csv"), map({ x: union(blob("s3://b/x.csv")) })),
        folder: blob("file:///repo/notes", "", true),
      },
    });
    const files: { uri: string; href?: string }[] = [];
    const visit = (value: Readable): void => {
      if (value.kind === "file") files.push({ uri: value.uri, ...(value.href !== undefined ? { href: value.href } : {}) });
      if (value.kind === "list") value.items.forEach(visit);
      if (value.kind === "map") value.entries.forEach(([, v]) => { visit(v); });
    };
    readableMap(data, source).forEach(([, v]) => { visit(v); });
    expect(files.map((f) => ({ uri: f.uri, steps: f.href === undefined ? undefined : [queryOf(f.href).fields.var, ...queryOf(f.href).steps] }))).toEqual([
      { uri: "file:///repo/words.txt", steps: ["doc"] },
      { uri: "file:///repo/notes", steps: undefined },
      { uri: "s3://b/0.csv", steps: ["parts", "0"] },
      { uri: "s3://b/x.csv", steps: ["parts", "1", "x"] },
    ]);
    // Without a source (no execution yet) files keep their uri and get no link.
    expect(readableMap(data)[0]?.[1]).toEqual({ kind: "file", uri: "file:///repo/words.txt", format: "txt", dir: false });
  });
});
