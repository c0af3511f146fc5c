import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import grpc from "@grpc/grpc-js";
import {
  AssignmentUpdateKind,
  AssignRequestSchema,
  AssignResponseSchema,
  HeartbeatRequestSchema,
  HeartbeatResponseSchema,
  RegisterClusterRequestSchema,
  RegisterClusterResponseSchema,
  WatchAssignmentsRequestSchema,
  WatchAssignmentsResponseSchema,
  type WatchAssignmentsResponse,
} from "@skein/idl/router/v1";
import { createMemorySink } from "@skein/server";
import { createTestDatabase, testEnvironment, type TestDatabase } from "@skein/testing";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRouterConfig } from "./config.js";
import { startClusterRouter, type RunningClusterRouter } from "./main.js";

// One real router over TCP: PostgreSQL through DATABASE_URL when the test environment has a
// server, otherwise the embedded database in a temporary data directory, as `skein serve` would.
let router: RunningClusterRouter;
let dataDir: string;
let database: TestDatabase | undefined;
let grpcClient: grpc.Client;
const service = "skein.router.v1.ClusterRouterService";
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "skein-router-"));
  if (testEnvironment().databaseUrl !== undefined) database = await createTestDatabase();
  const config = loadRouterConfig({ port: 0, dataDir, databaseUrl: database?.url, watchPollMs: 50 }, {});
  router = await startClusterRouter({ config, logSink: createMemorySink() });
  grpcClient = new grpc.Client(`127.0.0.1:${router.port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  grpcClient.close();
  await router.close();
  await database?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

async function postJson(method: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${router.url}/${service}/${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function grpcUnary<I extends DescMessage, O extends DescMessage>(method: string, input: I, output: O, message: MessageInitShape<I>): Promise<MessageShape<O>> {
  return new Promise((resolve, reject) => {
    grpcClient.makeUnaryRequest(
      `/${service}/${method}`,
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

describe("cluster router over the network", () => {
  it("keeps its database where the configuration says", () => {
    expect(router.databaseKind).toBe(database === undefined ? "pglite" : "postgres");
    expect(existsSync(path.join(dataDir, "router-db"))).toBe(database === undefined);
  });

  it("speaks Connect JSON to plain fetch (as curl would)", async () => {
    const registered = await postJson("RegisterCluster", { id: "via-connect", region: "us-east", weight: 1, labels: { gpu: "true" } });
    expect(registered.status).toBe(200);
    expect(registered.json).toMatchObject({ created: true, cluster: { id: "via-connect", state: "CLUSTER_STATE_ACTIVE", health: "CLUSTER_HEALTH_PENDING" } });
    const beat = await postJson("Heartbeat", { clusterId: "via-connect", load: { freeCapacity: 3 } });
    expect(beat).toEqual({ status: 200, json: { state: "CLUSTER_STATE_ACTIVE", nextHeartbeatIn: "5s" } });
    const assigned = await postJson("Assign", { executionId: { project: "p", domain: "development", name: "json-run" }, selection: { clusterLabel: "gpu" } });
    expect(assigned.json).toMatchObject({ assignment: { state: "ASSIGNMENT_STATE_ACTIVE", clusterId: "via-connect", epoch: "1" } });

    const invalid = await postJson("RegisterCluster", { id: "Not Valid", weight: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ code: "invalid_argument", message: expect.stringMatching(/id: /) as unknown });
    const unknown = await postJson("Heartbeat", { clusterId: "ghost", load: {} });
    expect(unknown).toEqual({ status: 404, json: { code: "not_found", message: 'cluster "ghost" not found' } });
  });

  it("speaks gRPC, streaming assignments to the cluster that dials in", async () => {
    await grpcUnary("RegisterCluster", RegisterClusterRequestSchema, RegisterClusterResponseSchema, { id: "via-grpc", region: "eu-west", weight: 1 });
    await grpcUnary("Heartbeat", HeartbeatRequestSchema, HeartbeatResponseSchema, { clusterId: "via-grpc", load: { freeCapacity: 5 } });

    const call = grpcClient.makeServerStreamRequest(
      `/${service}/WatchAssignments`,
      (m: MessageShape<typeof WatchAssignmentsRequestSchema>) => Buffer.from(toBinary(WatchAssignmentsRequestSchema, m)),
      (bytes: Buffer) => fromBinary(WatchAssignmentsResponseSchema, bytes),
      create(WatchAssignmentsRequestSchema, { clusterId: "via-grpc" }),
    );
    const received: WatchAssignmentsResponse[] = [];
    const assignedArrived = new Promise<void>((resolve, reject) => {
      call.on("data", (update: WatchAssignmentsResponse) => {
        received.push(update);
        if (update.kind === AssignmentUpdateKind.SYNCED) {
          grpcUnary("Assign", AssignRequestSchema, AssignResponseSchema, { executionId: { project: "p", domain: "development", name: "grpc-run" }, selection: { clusterId: "via-grpc" } }).catch(reject);
        }
        if (update.kind === AssignmentUpdateKind.ASSIGNED) resolve();
      });
      call.on("error", (error: grpc.ServiceError) => {
        if (error.code !== grpc.status.CANCELLED) reject(error);
      });
    });
    await assignedArrived;
    call.cancel();
    expect(received.map((u) => [AssignmentUpdateKind[u.kind], u.assignment?.executionId?.name, u.assignment?.epoch])).toEqual([
      ["SYNCED", undefined, undefined],
      ["ASSIGNED", "grpc-run", 1n],
    ]);

    const invalid = await grpcUnary("Assign", AssignRequestSchema, AssignResponseSchema, {}).then(
      () => expect.fail("expected the call to fail"),
      (e: unknown) => e as grpc.ServiceError,
    );
    expect(invalid.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(invalid.details).toMatch(/execution_id: value is required/);
  });
});
