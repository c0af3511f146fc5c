// Types: every kind of value a task can take and return.
//   npx skein run examples/docs/types.ts echo --help
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { t, task } from "@skein/sdk";

export const Point = t.struct({ x: t.float(), y: t.float(), label: t.string().optional() }, { title: "Point" });

export const echo = task(
  {
    name: "echo",
    description: "Returns its inputs unchanged.",
    inputs: {
      count: t.int(),
      big: t.bigint().default(2n ** 62n),
      ratio: t.float().default(0.5),
      verbose: t.boolean().default(false),
      name: t.string().default("skein"),
      mode: t.enum(["fast", "exact"]).default("fast"),
      at: t.datetime().default(new Date("2024-01-01T00:00:00Z")),
      wait: t.duration().default(90_000),
      raw: t.bytes().default(new Uint8Array([104, 105])),
      tags: t.list(t.string()).default([]),
      weights: t.map(t.float()).default({}),
      origin: Point.default({ x: 0, y: 0 }),
      note: t.string().optional(),
      id: t.union(t.int(), t.string()).default(7),
    },
    outputs: {
      count: t.int(),
      big: t.bigint(),
      ratio: t.float(),
      verbose: t.boolean(),
      name: t.string(),
      mode: t.enum(["fast", "exact"]),
      at: t.datetime(),
      wait: t.duration(),
      raw: t.bytes(),
      tags: t.list(t.string()),
      weights: t.map(t.float()),
      origin: Point,
      note: t.string().optional(),
      id: t.union(t.int(), t.string()),
    },
  },
  (inputs) => inputs,
);

// Files and directories arrive as references { uri, format? }; locally the URI is a file:// URL.
export const inspect_files = task(
  { name: "inspect_files", inputs: { doc: t.file("txt"), folder: t.dir() }, outputs: { lines: t.int(), entries: t.list(t.string()) } },
  async ({ doc, folder }) => ({
    lines: (await readFile(fileURLToPath(doc.uri), "utf8")).split("\n").filter((line) => line !== "").length,
    entries: (await readdir(fileURLToPath(folder.uri))).sort(),
  }),
);

// t.int() holds a JavaScript number, exact up to 2^53 - 1; t.bigint() holds any 64-bit integer exactly.
export const next_int = task({ name: "next_int", inputs: { n: t.int() }, outputs: t.int() }, ({ n }) => n + 1);
export const next_bigint = task({ name: "next_bigint", inputs: { n: t.bigint() }, outputs: t.bigint() }, ({ n }) => n + 1n);
