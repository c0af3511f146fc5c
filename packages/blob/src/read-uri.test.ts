import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBlobUri } from "./read-uri.js";

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "skein-read-uri-")); });
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("readBlobUri", () => {
  it("reads a local file's bytes from its file:// uri", async () => {
    const path = join(dir, "value.pb");
    await writeFile(path, new Uint8Array([1, 2, 3]));
    expect(await readBlobUri(pathToFileURL(path).href)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("names the uri it cannot read, and a scheme it does not know", async () => {
    const missing = pathToFileURL(join(dir, "missing.pb")).href;
    await expect(readBlobUri(missing)).rejects.toThrow(`cannot read ${missing}`);
    await expect(readBlobUri("https://example.com/x")).rejects.toThrow("cannot read https://example.com/x: the scheme must be file:// or s3://");
    await expect(readBlobUri("not a uri")).rejects.toThrow('"not a uri" is not a uri');
  });
});
