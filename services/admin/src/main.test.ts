import { fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape, create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-node";
import grpc from "@grpc/grpc-js";
import {
  AdminService,
  ListProjectsRequestSchema,
  ListProjectsResponseSchema,
  CreateTaskRequestSchema,
  CreateTaskResponseSchema,
  ListWorkflowsRequestSchema,
  ListWorkflowsResponseSchema,
  RegisterProjectRequestSchema,
  RegisterProjectResponseSchema,
} from "@skein/idl/admin/v1";
import { createMemorySink } from "@skein/server";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAdminConfig } from "./config.js";
import { startAdmin, type RunningAdmin } from "./main.js";
import { createTaskRequest, taskId } from "./test-support/task-fixtures.js";

// One real admin over TCP: PostgreSQL through DATABASE_URL when the test environment has a server,
// otherwise the embedded database in a temporary data directory, as `skein serve admin` would.
let admin: RunningAdmin;
let dataDir: string;
let database: TestDatabase | undefined;
let grpcClient: grpc.Client;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "skein-admin-"));
  if (testEnvironment().databaseUrl !== undefined) database = await createTestDatabase();
  // With Redis configured, the server also runs with its Redis wake-ups, as production does.
  const config = loadAdminConfig({ port: 0, dataDir, databaseUrl: database?.url, redisUrl: testEnvironment().redisUrl }, {});
  admin = await startAdmin({ config, logSink: createMemorySink() });
  grpcClient = new grpc.Client(`127.0.0.1:${admin.port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  grpcClient.close();
  await admin.close();
  await database?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

async function postJson(method: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${admin.url}/skein.admin.v1.AdminService/${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

// A plain grpc-js call, with protobuf-es doing the (de)serialization, as any gRPC client would.
function grpcUnary<I extends DescMessage, O extends DescMessage>(
  method: string,
  input: I,
  output: O,
  message: MessageInitShape<I>,
): Promise<MessageShape<O>> {
  return new Promise((resolve, reject) => {
    grpcClient.makeUnaryRequest(
      `/skein.admin.v1.AdminService/${method}`,
      (m: MessageShape<I>) => Buffer.from(toBinary(input, m)),
      (bytes: Buffer) => fromBinary(output, bytes),
      create(input, message),
      (error, response) => {
        if (error) reject(error);
        else if (response === undefined) reject(new Error("no response"));
        else resolve(response);
      },
    );
  });
}

function grpcFailure(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  return promise.then(
    () => expect.fail("expected the call to fail"),
    (e: unknown) => e as grpc.ServiceError,
  );
}

describe("admin over the network", () => {
  it("keeps its database where the configuration says", () => {
    expect(admin.databaseKind).toBe(database === undefined ? "pglite" : "postgres");
    expect(existsSync(path.join(dataDir, "admin-db"))).toBe(database === undefined);
  });

  it("serves the built console under /console on the API's port (turbo builds @skein/console first)", async () => {
    const page = await fetch(`${admin.url}/console/projects/default/domains/development`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${admin.url}${script ?? ""}`);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  });

  it("speaks Connect JSON to plain fetch (as curl would)", async () => {
    const empty = await postJson("ListProjects", {});
    expect(empty).toEqual({ status: 200, json: {} });
    const registered = await postJson("RegisterProject", { project: { id: "via-connect", labels: { team: "ml" } } });
    expect(registered.status).toBe(200);
    expect(registered.json.project).toMatchObject({ id: "via-connect", name: "via-connect", state: "PROJECT_STATE_ACTIVE", labels: { team: "ml" } });
    const listed = await postJson("ListProjects", {});
    expect(listed.json).toMatchObject({ projects: [{ id: "via-connect" }] });

    const invalid = await postJson("RegisterProject", { project: { id: "Not Valid" } });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ code: "invalid_argument", message: expect.stringMatching(/project\.id: does not match regex pattern/) as unknown });
    const duplicate = await postJson("RegisterProject", { project: { id: "via-connect" } });
    expect(duplicate).toEqual({ status: 409, json: { code: "already_exists", message: 'project "via-connect" already exists' } });
  });

  it("speaks gRPC to a plain @grpc/grpc-js client", async () => {
    const registered = await grpcUnary("RegisterProject", RegisterProjectRequestSchema, RegisterProjectResponseSchema, { project: { id: "via-grpc" } });
    expect(registered.project?.domains.map((d) => d.id)).toEqual(["development", "staging", "production"]);
    const listed = await grpcUnary("ListProjects", ListProjectsRequestSchema, ListProjectsResponseSchema, { limit: 1000 });
    expect(listed.projects.map((p) => p.id)).toContain("via-grpc");

    const invalid = await grpcFailure(grpcUnary("RegisterProject", RegisterProjectRequestSchema, RegisterProjectResponseSchema, { project: { id: "-bad" } }));
    expect(invalid.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(invalid.details).toMatch(/project\.id: does not match regex pattern/);
    const duplicate = await grpcFailure(grpcUnary("RegisterProject", RegisterProjectRequestSchema, RegisterProjectResponseSchema, { project: { id: "via-grpc" } }));
    expect(duplicate).toMatchObject({ code: grpc.status.ALREADY_EXISTS, details: 'project "via-grpc" already exists' });
    const workflows = await grpcUnary("ListWorkflows", ListWorkflowsRequestSchema, ListWorkflowsResponseSchema, { project: "via-grpc", domain: "development" });
    expect(workflows).toEqual(create(ListWorkflowsResponseSchema, { workflows: [], nextToken: "" }));
  });

  it("registers a task over gRPC, idempotently, refusing changed content", async () => {
    await grpcUnary("RegisterProject", RegisterProjectRequestSchema, RegisterProjectResponseSchema, { project: { id: "tasks-grpc" } });
    const request = createTaskRequest(taskId("double", "v1", "tasks-grpc"));
    const first = await grpcUnary("CreateTask", CreateTaskRequestSchema, CreateTaskResponseSchema, request);
    expect(first.created).toBe(true);
    expect(first.task?.closure?.compiledTask?.template?.target).toMatchObject({ case: "container", value: { image: "node:22" } });
    const again = await grpcUnary("CreateTask", CreateTaskRequestSchema, CreateTaskResponseSchema, request);
    expect(again).toEqual(create(CreateTaskResponseSchema, { task: first.task, created: false }));
    const changed = createTaskRequest(taskId("double", "v1", "tasks-grpc"), { type: "typescript" });
    const conflict = await grpcFailure(grpcUnary("CreateTask", CreateTaskRequestSchema, CreateTaskResponseSchema, changed));
    expect(conflict.code).toBe(grpc.status.ALREADY_EXISTS);
    expect(conflict.details).toMatch(/Differences: spec\.template\.type: "container" → "typescript"$/);
  });

  it("speaks gRPC-Web over HTTP/1.1", async () => {
    const client = createClient(AdminService, createGrpcWebTransport({ baseUrl: admin.url, httpVersion: "1.1" }));
    await client.registerProject({ project: { id: "via-grpc-web" } });
    const listed = await client.listProjects({ sortBy: { key: "id" }, limit: 1000 });
    expect(listed.projects.map((p) => p.id)).toEqual(expect.arrayContaining(["via-grpc-web", "via-grpc", "via-connect"]));
    const invalid = await client.getProject({ id: "UPPER" }).catch((e: unknown) => ConnectError.from(e));
    expect(invalid).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/^invalid skein\.admin\.v1\.GetProjectRequest: id: /) as unknown });
    const duplicate = await client.registerProject({ project: { id: "via-grpc-web" } }).catch((e: unknown) => ConnectError.from(e));
    expect(duplicate).toMatchObject({ code: Code.AlreadyExists, rawMessage: 'project "via-grpc-web" already exists' });
  });
});
