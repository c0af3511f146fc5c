import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-node";
import grpc from "@grpc/grpc-js";
import { stringLiteral } from "@skein/engine";
import {
  CreateArtifactRequestSchema,
  CreateArtifactResponseSchema,
  DataCatalogService,
  GetArtifactRequestSchema,
  GetArtifactResponseSchema,
  GetOrExtendReservationRequestSchema,
  GetOrExtendReservationResponseSchema,
} from "@skein/idl/datacatalog/v1";
import { createMemorySink } from "@skein/server";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDatacatalogConfig } from "./config.js";
import { startDatacatalog, type RunningDatacatalog } from "./main.js";
import { createArtifactRequest, datasetId, provenance } from "./test-support/cache-fixtures.js";

// One real datacatalog over TCP: PostgreSQL through DATABASE_URL when the test environment has a
// server, otherwise the embedded database in a temporary data directory, as `skein serve` would.
let server: RunningDatacatalog;
let dataDir: string;
let database: TestDatabase | undefined;
let grpcClient: grpc.Client;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "skein-datacatalog-"));
  if (testEnvironment().databaseUrl !== undefined) database = await createTestDatabase();
  const config = loadDatacatalogConfig({ port: 0, dataDir, databaseUrl: database?.url, inlineDataMaxBytes: 64 }, {});
  server = await startDatacatalog({ config, logSink: createMemorySink() });
  grpcClient = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  grpcClient.close();
  await server.close();
  await database?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

async function postJson(method: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/skein.datacatalog.v1.DataCatalogService/${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

// A plain grpc-js call, with protobuf-es doing the (de)serialization, as any gRPC client would.
function grpcUnary<I extends DescMessage, O extends DescMessage>(method: string, input: I, output: O, message: MessageInitShape<I>): Promise<MessageShape<O>> {
  return new Promise((resolve, reject) => {
    grpcClient.makeUnaryRequest(
      `/skein.datacatalog.v1.DataCatalogService/${method}`,
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

const dataset = { project: "demo", domain: "development", name: "task-net", version: "1-a-b" };

describe("datacatalog over the network", () => {
  it("keeps its database where the configuration says", () => {
    expect(server.databaseKind).toBe(database === undefined ? "pglite" : "postgres");
    expect(existsSync(path.join(dataDir, "datacatalog-db"))).toBe(database === undefined);
  });

  it("speaks Connect JSON to plain fetch (as curl would)", async () => {
    const created = await postJson("CreateDataset", { id: dataset, metadata: { "task-version": "v1" } });
    expect(created).toMatchObject({ status: 200, json: { created: true, dataset: { id: dataset, metadata: { "task-version": "v1" } } } });
    const miss = await postJson("GetArtifact", { dataset, tagName: "cached-x" });
    expect(miss).toEqual({ status: 404, json: { code: "not_found", message: 'tag "cached-x" in dataset "demo/development/task-net/1-a-b" not found' } });
    const invalid = await postJson("GetDataset", { id: { ...dataset, version: "" } });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ code: "invalid_argument", message: expect.stringMatching(/id\.version: /) as unknown });
  });

  it("stores and finds an entry over gRPC, first writer winning, values offloaded to the blob store", async () => {
    const request = createArtifactRequest(["cached-g"], { dataset, data: [{ name: "text", value: stringLiteral("v".repeat(500)) }] });
    const stored = await grpcUnary("CreateArtifact", CreateArtifactRequestSchema, CreateArtifactResponseSchema, request);
    const hit = await grpcUnary("GetArtifact", GetArtifactRequestSchema, GetArtifactResponseSchema, { dataset, query: { case: "tagName", value: "cached-g" } });
    expect(hit.artifact?.id).toBe(stored.artifact?.id);
    expect(hit.artifact?.data[0]?.value).toEqual(stringLiteral("v".repeat(500)));
    expect(existsSync(path.join(dataDir, "blobs", "datacatalog", "values"))).toBe(true);
    const second = await grpcFailure(grpcUnary("CreateArtifact", CreateArtifactRequestSchema, CreateArtifactResponseSchema, { ...request, provenance: provenance("run-9") }));
    expect(second.code).toBe(grpc.status.ALREADY_EXISTS);
    const invalid = await grpcFailure(
      grpcUnary("GetOrExtendReservation", GetOrExtendReservationRequestSchema, GetOrExtendReservationResponseSchema, { reservationId: { datasetId: dataset, tagName: "t" }, ownerId: "o" }),
    );
    expect(invalid.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(invalid.details).toMatch(/heartbeat_interval: value is required/);
  });

  it("speaks gRPC-Web over HTTP/1.1", async () => {
    const client = createClient(DataCatalogService, createGrpcWebTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const held = await client.getOrExtendReservation({ reservationId: { datasetId: datasetId(), tagName: "t" }, ownerId: "a", heartbeatInterval: { seconds: 1n } });
    expect(held.reservation?.ownerId).toBe("a");
    const other = await client.getOrExtendReservation({ reservationId: { datasetId: datasetId(), tagName: "t" }, ownerId: "b", heartbeatInterval: { seconds: 1n } });
    expect(other.reservation?.ownerId).toBe("a");
    const found = await client.findArtifacts({ project: "demo", domain: "development", datasetName: "task-net" });
    expect(found.artifacts.map((a) => a.tags)).toEqual([["cached-g"]]);
    const evicted = await client.evictArtifacts({ project: "demo", domain: "development", datasetName: "task-net" });
    expect(evicted.evicted.map((e) => e.provenance?.taskExecution?.nodeExecutionId?.executionId?.name)).toEqual(["run-1"]);
    const gone = await client.getArtifact({ dataset, query: { case: "tagName", value: "cached-g" } }).catch((e: unknown) => ConnectError.from(e));
    expect(gone).toMatchObject({ code: Code.NotFound });
  });
});
