import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInProcessAdmin, type InProcessAdmin } from "../test-support/admin-fixture.js";

let admin: InProcessAdmin;
beforeEach(async () => {
  admin = await createInProcessAdmin();
  await admin.client.registerProject({ project: { id: "demo" } });
});
afterEach(async () => {
  await admin.destroy();
});

const archive = new TextEncoder().encode("pretend this is a tar archive");
const sha256 = createHash("sha256").update(archive).digest("hex");

async function codeOf(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = ConnectError.from(error);
    return { code: e.code, message: e.rawMessage };
  }
  throw new Error("expected the call to fail");
}

describe("CreateCodeBundle", () => {
  it("stores a bundle under its digest once, and finds it the second time", async () => {
    const first = await admin.client.createCodeBundle({ project: "demo", domain: "development", sha256, content: gzipSync(archive) });
    expect(first.created).toBe(true);
    expect(first.uri).toBe(`${admin.blobs.baseUri}/code/demo/development/${sha256}.tar.gz`);
    expect(new Uint8Array(await admin.blobs.get(first.uri))).toEqual(new Uint8Array(gzipSync(archive)));
    // Another compressor's output of the same archive is the same bundle.
    const again = await admin.client.createCodeBundle({ project: "demo", domain: "development", sha256, content: gzipSync(archive, { level: 1 }) });
    expect(again).toMatchObject({ created: false, uri: first.uri });
  });

  it("refuses content that is not gzip or does not match its digest", async () => {
    const notGzip = await codeOf(admin.client.createCodeBundle({ project: "demo", domain: "development", sha256, content: archive }));
    expect(notGzip.code).toBe(Code.InvalidArgument);
    expect(notGzip.message).toMatch(/^content: is not a gzip stream/);
    const other = createHash("sha256").update("something else").digest("hex");
    const mismatch = await codeOf(admin.client.createCodeBundle({ project: "demo", domain: "development", sha256: other, content: gzipSync(archive) }));
    expect(mismatch.code).toBe(Code.InvalidArgument);
    expect(mismatch.message).toMatch(/^sha256: does not match the uncompressed content/);
    expect(await admin.blobs.exists(`${admin.blobs.baseUri}/code/demo/development/${other}.tar.gz`)).toBe(false);
  });

  it("checks the digest's form, the domain and the project", async () => {
    expect((await codeOf(admin.client.createCodeBundle({ project: "demo", domain: "development", sha256: "ABC", content: gzipSync(archive) }))).code).toBe(Code.InvalidArgument);
    const domain = await codeOf(admin.client.createCodeBundle({ project: "demo", domain: "qa", sha256, content: gzipSync(archive) }));
    expect(domain.code).toBe(Code.InvalidArgument);
    expect(domain.message).toContain('domain: "qa" is not a configured domain');
    expect(await codeOf(admin.client.createCodeBundle({ project: "nope", domain: "development", sha256, content: gzipSync(archive) }))).toMatchObject({
      code: Code.NotFound,
      message: 'project "nope" not found',
    });
  });
});
