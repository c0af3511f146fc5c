import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { dir, file } from "./files.js";

describe("file and dir", () => {
  it("make absolute file URIs from local paths and keep URIs", () => {
    expect(file("data/in.csv", "csv")).toEqual({ uri: pathToFileURL(resolve("data/in.csv")).href, format: "csv" });
    expect(file("/tmp/a b.txt").uri).toBe("file:///tmp/a%20b.txt");
    expect(dir("s3://bucket/prefix/")).toEqual({ uri: "s3://bucket/prefix/" });
    expect(dir(join("out", "models")).uri.startsWith("file:///")).toBe(true);
    expect(() => file("")).toThrow("a file or directory path must not be empty");
  });
});
