import { create, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { FileBlobStore } from "@skein/blob";
import { blobLiteral, intLiteral, listLiteral, literalMap, mapLiteral, structLiteral } from "@skein/engine";
import { LiteralSchema, NodeExecutionPhase as N, TaskExecutionPhase as T, type Literal } from "@skein/idl";
import { AdminService } from "@skein/idl/admin/v1";
import { createErrorInterceptor, createLogger, createManualClock, createMemorySink, createValidationInterceptor, serveConnect, type ConnectServer } from "@skein/server";
import { createTestDatabase, type TestDatabase } from "@skein/testing";
import type { Kysely } from "kysely";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import http2 from "node:http2";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAdminConfig } from "../config.js";
import { InProcessDispatcher } from "../domain/in-process-dispatcher.js";
import type { AdminDatabase } from "../repositories/database.js";
import { setup } from "../setup.js";
import { batch, insertExecution, nodeEvent, taskEvent } from "../test-support/event-fixtures.js";

// Admin's real HTTP server (setup's routes and its non-RPC handler) over the test PostgreSQL, with
// one execution whose node n0 recorded file inputs, outputs and logs in every place a uri can point.
let server: ConnectServer;
let database: TestDatabase;
let scratch: string;
let root: string;
let outside: string;
let blobs: FileBlobStore;

const offloadedList = (uri: string): Literal => create(LiteralSchema, { value: { case: "offloaded", value: { uri, sizeBytes: 10n } } });
const file = (p: string) => pathToFileURL(p).href;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "skein-file-routes-"));
  root = path.join(scratch, "root");
  outside = path.join(scratch, "outside");
  await mkdir(path.join(root, "data", "folder"), { recursive: true });
  await mkdir(path.join(root, "logs"), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(root, "data", "words.txt"), "alpha\nbeta\n");
  await writeFile(path.join(root, "data", "ünïcode name.bin"), new Uint8Array([0, 1, 2, 255]));
  await writeFile(path.join(root, "logs", "stdout.log"), "hello from the task\n");
  await writeFile(path.join(outside, "secret.txt"), "not yours\n");
  await symlink(path.join(outside, "secret.txt"), path.join(root, "data", "escape.txt"));
  blobs = new FileBlobStore(path.join(scratch, "blobs"));
  const report = await blobs.put("uploads/report.csv", new TextEncoder().encode("a,b\n1,2\n"));
  const list = await blobs.put("metadata/offloaded/list.pb", toBinary(LiteralSchema, listLiteral([blobLiteral(report, "csv")])));

  database = await createTestDatabase();
  const db = database.db as Kysely<AdminDatabase>;
  const logger = createLogger({ component: "admin", sink: createMemorySink() });
  const config = { ...loadAdminConfig({}, {}), localFileRoots: [root, path.join(scratch, "not-there-yet")] };
  const service = await setup({ db, logger, clock: createManualClock(new Date("2025-05-01T12:00:00Z")), config, blobs, dispatcher: new InProcessDispatcher() });
  server = await serveConnect({ routes: service.routes, interceptors: [createErrorInterceptor(logger), createValidationInterceptor()], ...(service.http ? { fallback: service.http } : {}) });

  const client = createClient(AdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
  await client.registerProject({ project: { id: "proj" } });
  await insertExecution(db, "files");
  const inputs = literalMap({
    doc: blobLiteral(file(path.join(root, "data", "words.txt")), "txt"),
    odd: blobLiteral(file(path.join(root, "data", "ünïcode name.bin"))),
    docs: listLiteral([blobLiteral(report, "csv"), blobLiteral(file(path.join(outside, "secret.txt")))]),
    byName: mapLiteral({ words: blobLiteral(file(path.join(root, "data", "words.txt")), "txt") }),
    later: offloadedList(list),
    folder: blobLiteral(file(path.join(root, "data", "folder")), "", true),
    plainDir: blobLiteral(file(path.join(root, "data", "folder"))),
    n: intLiteral(3n),
    config: structLiteral('{"a":1}'),
    secret: blobLiteral(file(path.join(outside, "secret.txt"))),
    escape: blobLiteral(file(path.join(root, "data", "escape.txt"))),
    dotdot: blobLiteral(`${file(root)}/data/../../outside/secret.txt`),
    elsewhere: blobLiteral("s3://another-bucket/data.csv"),
    badKey: blobLiteral(`${blobs.baseUri}/uploads/../../../outside/secret.txt`),
    missing: blobLiteral(file(path.join(root, "data", "gone.txt"))),
  });
  const logs = [
    { name: "stdout", uri: file(path.join(root, "logs", "stdout.log")) },
    { name: "web", uri: "https://logs.example.com/n0" },
    { name: "escape", uri: file(path.join(root, "data", "escape.txt")) },
  ];
  const events = [
    nodeEvent("files", "n0", N.RUNNING, 1, { inputValue: { case: "inputData", value: inputs } }),
    taskEvent("files", "n0", 0, T.RUNNING, 2, { logs }),
    nodeEvent("files", "n0", N.SUCCEEDED, 3, { outputResult: { case: "outputData", value: literalMap({ report: blobLiteral(report, "csv") }) } }),
    nodeEvent("files", "n1", N.RUNNING, 4),
  ];
  for (const event of events) await client.createEvents({ events: batch(event) });
}, 60_000);

afterAll(async () => {
  await server.close();
  await database.destroy();
  await rm(scratch, { recursive: true, force: true });
});

const execution = { project: "proj", domain: "development", execution: "files" };

async function get(route: "value" | "log", query: Record<string, string | readonly string[]>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) for (const v of typeof value === "string" ? [value] : value) params.append(key, v);
  const response = await fetch(`${server.url}/files/${route}?${params.toString()}`);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const value = (query: Record<string, string | readonly string[]>) => get("value", { ...execution, node: "n0", io: "inputs", ...query });
const log = (query: Record<string, string>) => get("log", { ...execution, node: "n0", attempt: "0", ...query });

describe("GET /files/value", () => {
  it("streams a local file input under a root, as an attachment with its format's type", async () => {
    const response = await value({ var: "doc" });
    expect(response).toMatchObject({ status: 200, text: "alpha\nbeta\n" });
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="words.txt"; filename*=UTF-8''words.txt`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const odd = await value({ var: "odd" });
    expect(odd.status).toBe(200);
    expect(odd.headers.get("content-type")).toBe("application/octet-stream");
    expect(odd.headers.get("content-disposition")).toBe(`attachment; filename="_n_code name.bin"; filename*=UTF-8''${encodeURIComponent("ünïcode name.bin")}`);
  });

  it("serves an output from admin's blob store, and elements of lists, maps and offloaded values", async () => {
    const output = await value({ io: "outputs", var: "report" });
    expect(output).toMatchObject({ status: 200, text: "a,b\n1,2\n" });
    expect(output.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(output.headers.get("content-disposition")).toContain('filename="report.csv"');
    expect(await value({ var: "docs", path: ["0"] })).toMatchObject({ status: 200, text: "a,b\n1,2\n" });
    expect(await value({ var: "byName", path: ["words"] })).toMatchObject({ status: 200, text: "alpha\nbeta\n" });
    expect(await value({ var: "later", path: ["0"] })).toMatchObject({ status: 200, text: "a,b\n1,2\n" });
  });

  it("answers 400 naming a missing or bad query field, or a path that does not fit the value", async () => {
    for (const field of ["project", "domain", "execution", "node", "io", "var"]) {
      const query = Object.fromEntries(Object.entries({ ...execution, node: "n0", io: "inputs", var: "doc" }).filter(([key]) => key !== field));
      expect(await get("value", query)).toMatchObject({ status: 400, text: `${field}: is required\n` });
    }
    expect(await value({ io: "both", var: "doc" })).toMatchObject({ status: 400, text: 'io: must be "inputs" or "outputs", got "both"\n' });
    expect(await value({ var: "docs" })).toMatchObject({ status: 400, text: "path: docs is a list, not a file: add a path step to pick one element\n" });
    expect(await value({ var: "docs", path: ["first"] })).toMatchObject({ status: 400, text: 'path: docs is a list, so step 1 must be an index (0, 1, ...), got "first"\n' });
    expect(await value({ var: "n" })).toMatchObject({ status: 400, text: "path: n is a primitive value, not a file\n" });
    expect((await value({ var: "config" })).text).toContain("struct (JSON, which holds no files)");
    expect(await value({ var: "doc", path: ["0"] })).toMatchObject({ status: 400, text: 'path: doc is a blob value, which has no elements for step 1 ("0")\n' });
  });

  it("answers 404 naming the execution, node, variable, element or file that is absent", async () => {
    expect(await value({ execution: "ghost", var: "doc" })).toMatchObject({ status: 404, text: 'execution "proj/development/ghost" not found\n' });
    expect(await value({ node: "n9", var: "doc" })).toMatchObject({ status: 404, text: 'node "n9" in execution "proj/development/files" not found\n' });
    expect(await value({ var: "nope" })).toMatchObject({ status: 404, text: 'variable "nope" in the inputs of node n0 not found\n' });
    expect(await value({ var: "docs", path: ["5"] })).toMatchObject({ status: 404, text: "docs[5] (the list has 2 items) not found\n" });
    expect(await value({ var: "byName", path: ["other"] })).toMatchObject({ status: 404, text: 'key "other" of byName not found\n' });
    expect(await get("value", { ...execution, node: "n1", io: "outputs", var: "x" })).toMatchObject({ status: 404, text: 'outputs of node n1 (none are recorded yet); variable "x" not found\n' });
    expect((await value({ var: "missing" })).status).toBe(404);
  });

  it("answers 403 naming why a uri is not readable: outside the roots, escapes, another store, a directory", async () => {
    const secret = await value({ var: "secret" });
    expect(secret.status).toBe(403);
    expect(secret.text).toContain("is outside the local file roots");
    expect(secret.text).not.toContain("not yours");
    expect((await value({ var: "docs", path: ["1"] })).status).toBe(403);
    const escape = await value({ var: "escape" });
    expect(escape.status).toBe(403);
    expect(escape.text).toContain(`(it resolves to ${path.join(outside, "secret.txt")})`);
    const dotdot = await value({ var: "dotdot" });
    expect(dotdot.status).toBe(403);
    expect(dotdot.text).not.toContain("not yours");
    const badKey = await value({ var: "badKey" });
    expect(badKey).toMatchObject({ status: 403 });
    expect(badKey.text).toContain("no valid key of admin's blob store");
    expect(await value({ var: "elsewhere" })).toMatchObject({
      status: 403,
      text: `s3://another-bucket/data.csv is not readable from admin: it is not under admin's blob store (${blobs.baseUri}) and not a local file\n`,
    });
    expect(await value({ var: "folder" })).toMatchObject({ status: 403, text: `folder is a directory (${file(path.join(root, "data", "folder"))}); admin serves single files only\n` });
    expect((await value({ var: "plainDir" })).text).toContain("it is a directory; admin serves single files only");
  });

  it("streams over HTTP/2 as well", async () => {
    const session = http2.connect(server.url);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const query = new URLSearchParams({ ...execution, node: "n0", io: "inputs", var: "doc" });
      const stream = session.request({ ":path": `/files/value?${query.toString()}` });
      let status = 0;
      let body = "";
      stream.setEncoding("utf8");
      stream.on("response", (headers) => (status = Number(headers[":status"])));
      stream.on("data", (chunk: string) => (body += chunk));
      stream.on("end", () => { resolve({ status, body }); });
      stream.on("error", reject);
    });
    session.close();
    expect({ status, body }).toEqual({ status: 200, body: "alpha\nbeta\n" });
  });
});

describe("GET /files/log", () => {
  it("serves a local log of an attempt inline as plain text", async () => {
    const response = await log({ log: "stdout" });
    expect(response).toMatchObject({ status: 200, text: "hello from the task\n" });
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(`inline; filename="stdout.log"; filename*=UTF-8''stdout.log`);
  });

  it("answers 400, 404 and 403 naming the field, what is missing, or why", async () => {
    expect(await get("log", { ...execution, node: "n0", log: "stdout" })).toMatchObject({ status: 400, text: "attempt: is required\n" });
    expect(await log({ attempt: "-1", log: "stdout" })).toMatchObject({ status: 400, text: 'attempt: must be a retry attempt number (0, 1, ...), got "-1"\n' });
    expect(await log({ attempt: "0" })).toMatchObject({ status: 400, text: "log: is required\n" });
    expect(await log({ attempt: "3", log: "stdout" })).toMatchObject({ status: 404, text: "attempt 3 of node n0 not found\n" });
    expect(await log({ log: "stderr" })).toMatchObject({ status: 404, text: 'log "stderr" of attempt 0 of node n0 (its logs: "stdout", "web", "escape") not found\n' });
    expect(await log({ execution: "ghost", log: "stdout" })).toMatchObject({ status: 404, text: 'execution "proj/development/ghost" not found\n' });
    expect((await log({ log: "web" })).status).toBe(403);
    const escape = await log({ log: "escape" });
    expect(escape.status).toBe(403);
    expect(escape.text).not.toContain("not yours");
  });

  it("leaves every other path to the console, and refuses methods other than GET", async () => {
    expect((await fetch(`${server.url}/files/value`, { method: "POST" })).status).toBe(405);
    // The console site answers what the file routes do not.
    const other = await fetch(`${server.url}/files/other`);
    expect(other.status).toBe(404);
    expect(await other.text()).toBe("nothing is served at /files/other\n");
  });
});
