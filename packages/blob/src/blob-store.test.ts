import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "./blob-store.js";
import { openBlobStore } from "./open-blob-store.js";

// The same behaviour is asserted for every backend: a local directory, and s3rver (an S3 REST
// server running in this process, storing in a temporary directory) reached over HTTP with
// SigV4-signed requests, with and without a key prefix.

interface Backend {
  readonly name: string;
  open(): Promise<BlobStore>;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

let s3Server: S3rver | undefined;
let s3Endpoint = "";
const tempDirs: string[] = [];
let bucketCount = 0;

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "skein-blob-"));
  tempDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  const buckets = Array.from({ length: 40 }, (_, i) => ({ name: `bucket-${i}` }));
  s3Server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: await tempDir(), configureBuckets: buckets });
  const info = await s3Server.run();
  s3Endpoint = `http://127.0.0.1:${info.port}`;
});

afterAll(async () => {
  await s3Server?.close();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// s3rver knows the access key "S3RVER"; it parses SigV4 headers but does not recompute them.
const s3Env = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };

const backends: Backend[] = [
  { name: "file://", open: async () => openBlobStore(`file://${await tempDir()}`) },
  {
    name: "s3:// (bucket root)",
    open: async () => openBlobStore(`s3://bucket-${bucketCount++}?endpoint=${encodeURIComponent(s3Endpoint)}&path_style=true`, { env: s3Env }),
  },
  {
    name: "s3:// (with prefix)",
    open: async () => openBlobStore(`s3://bucket-${bucketCount++}/skein/data?path_style=true`, { env: { ...s3Env, AWS_ENDPOINT_URL: s3Endpoint, AWS_REGION: "eu-west-1" } }),
  },
];

describe.each(backends)("blob store over $name", (backend) => {
  it("puts, gets and overwrites an object, returning its uri under the base uri", async () => {
    const store = await backend.open();
    const uri = await store.put("metadata/p/d/a1/inputs.pb", bytes("first"));
    expect(uri).toBe(`${store.baseUri}/metadata/p/d/a1/inputs.pb`);
    expect(text(await store.get(uri))).toBe("first");
    await store.put("metadata/p/d/a1/inputs.pb", bytes("second, longer"));
    expect(text(await store.get(uri))).toBe("second, longer");
  });

  it("keeps binary content byte for byte, including empty objects", async () => {
    const store = await backend.open();
    const data = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    expect(await store.get(await store.put("bin/all.bytes", data))).toEqual(data);
    expect(await store.get(await store.put("bin/empty", new Uint8Array()))).toEqual(new Uint8Array());
  });

  it("answers NotFound for a missing object and exists() tells both cases", async () => {
    const store = await backend.open();
    const missing = `${store.baseUri}/nothing/here.pb`;
    const error = await store.get(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.NotFound);
    expect((error as ConnectError).rawMessage).toContain(missing);
    expect(await store.exists(missing)).toBe(false);
    const uri = await store.put("nothing/here.pb", bytes("x"));
    expect(await store.exists(uri)).toBe(true);
    // A folder holding objects is not itself an object.
    expect(await store.exists(`${store.baseUri}/nothing`)).toBe(false);
  });

  it("deletes everything under a prefix and nothing beside it", async () => {
    const store = await backend.open();
    await store.put("metadata/p/d/a1/inputs.pb", bytes("1"));
    await store.put("metadata/p/d/a1/user_inputs.pb", bytes("2"));
    await store.put("metadata/p/d/a1/n0/outputs.pb", bytes("3"));
    const kept = await store.put("metadata/p/d/a10/inputs.pb", bytes("4"));
    const keptToo = await store.put("metadata/p/d/a1x", bytes("5"));
    expect(await store.deletePrefix(`${store.baseUri}/metadata/p/d/a1`)).toBe(3);
    expect(await store.exists(`${store.baseUri}/metadata/p/d/a1/inputs.pb`)).toBe(false);
    expect(await store.exists(`${store.baseUri}/metadata/p/d/a1/n0/outputs.pb`)).toBe(false);
    expect(await store.exists(kept)).toBe(true);
    expect(await store.exists(keptToo)).toBe(true);
    expect(await store.deletePrefix(`${store.baseUri}/metadata/p/d/a1/`)).toBe(0);
    expect(await store.deletePrefix(store.baseUri)).toBe(2);
    expect(await store.exists(kept)).toBe(false);
  });

  it("lists past one page when deleting a large prefix", async () => {
    const store = await backend.open();
    // s3rver pages listings at 1000 keys, so 1005 objects need a second page.
    const count = backend.name.startsWith("s3") ? 1005 : 50;
    for (let i = 0; i < count; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => store.put(`many/k${i + j}`, bytes("."))));
    }
    expect(await store.deletePrefix(`${store.baseUri}/many`)).toBe(count);
    expect(await store.exists(`${store.baseUri}/many/k0`)).toBe(false);
  }, 120_000);

  it("refuses keys that could escape the root and uris of another store", async () => {
    const store = await backend.open();
    for (const key of ["../x", "a/../../x", "a//b", "/abs", "a/./b", "", "sp ace", "a/"]) {
      const error = await store.put(key, bytes("x")).catch((e: unknown) => e);
      expect(error, key).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code, key).toBe(Code.InvalidArgument);
    }
    for (const uri of [`${store.baseUri}/../x`, "file:///etc/passwd", "s3://elsewhere/x", `${store.baseUri}x/y`]) {
      const error = await store.get(uri).catch((e: unknown) => e);
      expect((error as ConnectError).code, uri).toBe(Code.InvalidArgument);
    }
  });
});

describe("file blob store specifics", () => {
  it("leaves no temporary files behind after writes", async () => {
    const root = await tempDir();
    const store = openBlobStore(`file://${root}`);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put("same/key", bytes(`v${i}`))));
    expect(await readdir(join(root, "same"))).toEqual(["key"]);
    expect(text(await store.get(`${store.baseUri}/same/key`))).toMatch(/^v\d+$/);
  });
});

describe("openBlobStore", () => {
  it("refuses unknown schemes, relative file uris and s3 without credentials", () => {
    expect(() => openBlobStore("gs://bucket/x")).toThrow(/scheme must be file:\/\/ or s3:\/\//);
    expect(() => openBlobStore("not a uri")).toThrow(/is not a uri/);
    expect(() => openBlobStore("s3://bucket-a/x", { env: {} })).toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(() => openBlobStore("s3://bucket-a?path_style=yes", { env: s3Env })).toThrow(/path_style must be true or false/);
    expect(() => openBlobStore("s3://Bad_Bucket", { env: s3Env })).toThrow(/bucket name/);
  });

  it("addresses buckets virtual-host style unless path style is asked for", () => {
    expect(openBlobStore("s3://bucket-a/pre/fix", { env: s3Env }).baseUri).toBe("s3://bucket-a/pre/fix");
    expect(openBlobStore("s3://bucket-a/", { env: s3Env }).baseUri).toBe("s3://bucket-a");
  });

  it("surfaces a server that refuses the signature as PermissionDenied", async () => {
    // s3rver knows one access key ("S3RVER") and answers 403 InvalidAccessKeyId to any other.
    const store = openBlobStore(`s3://bucket-39?endpoint=${encodeURIComponent(s3Endpoint)}&path_style=true`, {
      env: { AWS_ACCESS_KEY_ID: "NOBODY", AWS_SECRET_ACCESS_KEY: "S3RVER" },
    });
    const error = await store.put("x", bytes("x")).catch((e: unknown) => e);
    expect((error as ConnectError).code).toBe(Code.PermissionDenied);
  });
});
