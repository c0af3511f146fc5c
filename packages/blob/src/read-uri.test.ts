import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBlobStore } from "./open-blob-store.js";
import { readBlobUri } from "./read-uri.js";

let dir: string;
let s3: S3rver;
let s3Endpoint = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "skein-read-uri-"));
  s3 = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: join(dir, "s3"), configureBuckets: [{ name: "values" }] });
  s3Endpoint = `http://127.0.0.1:${(await s3.run()).port}`;
});
afterAll(async () => {
  await s3.close();
  await rm(dir, { recursive: true, force: true });
});

describe("readBlobUri", () => {
  it("reads a local file's bytes from its file:// uri", async () => {
    const path = join(dir, "value.pb");
    await writeFile(path, new Uint8Array([1, 2, 3]));
    expect(await readBlobUri(pathToFileURL(path).href)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("reads an object from its s3:// uri through that bucket, and names one that is not there", async () => {
    // s3rver knows the access key "S3RVER".
    const options = { env: { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_ENDPOINT_URL: s3Endpoint }, s3: { pathStyle: true } };
    const uri = await openBlobStore("s3://values", options).put("exec/inputs/xs.pb", new Uint8Array([4, 5]));
    expect(uri).toBe("s3://values/exec/inputs/xs.pb");
    expect(await readBlobUri(uri, options)).toEqual(new Uint8Array([4, 5]));
    await expect(readBlobUri("s3://values/exec/inputs/gone.pb", options)).rejects.toThrow("s3://values/exec/inputs/gone.pb");
  });

  it("names the uri it cannot read, and a scheme it does not know", async () => {
    const missing = pathToFileURL(join(dir, "missing.pb")).href;
    await expect(readBlobUri(missing)).rejects.toThrow(`cannot read ${missing}`);
    await expect(readBlobUri("https://example.com/x")).rejects.toThrow("cannot read https://example.com/x: the scheme must be file:// or s3://");
    await expect(readBlobUri("not a uri")).rejects.toThrow('"not a uri" is not a uri');
  });
});
