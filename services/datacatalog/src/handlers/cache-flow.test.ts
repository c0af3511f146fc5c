import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { cacheKey, floatLiteral, intLiteral, literalMap, simpleType, stringLiteral } from "@skein/engine";
import { SimpleType, TaskTemplateSchema, type LiteralMap, type TaskTemplate } from "@skein/idl";
import type { DatasetId } from "@skein/idl/datacatalog/v1";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { failure, provenance } from "../test-support/cache-fixtures.js";
import { createInProcessDatacatalog, type InProcessDatacatalog } from "../test-support/datacatalog-fixture.js";

// The data plane's side of caching, driven through the API: compute the key with the engine, look
// it up, and on a miss reserve it, "run" the task, store the outputs and release.

let dc: InProcessDatacatalog;
beforeEach(async () => {
  dc = await createInProcessDatacatalog();
});
afterEach(() => dc.destroy());

function trainTask(version: string, cacheVersion = "1.0"): TaskTemplate {
  return create(TaskTemplateSchema, {
    id: { project: "demo", domain: "development", name: "train", version },
    type: "typescript",
    metadata: { discoverable: true, discoveryVersion: cacheVersion, cacheSerializable: true },
    interface: {
      inputs: { variables: { lr: { type: simpleType(SimpleType.FLOAT) } } },
      outputs: { variables: { model: { type: simpleType(SimpleType.STRING) } } },
    },
  });
}

function keyOf(task: TaskTemplate, inputs: LiteralMap): { dataset: DatasetId; tag: string } {
  const key = cacheKey(task, inputs);
  return { dataset: { $typeName: "skein.datacatalog.v1.DatasetId", ...key.dataset }, tag: key.tag };
}

async function lookup(task: TaskTemplate, inputs: LiteralMap) {
  const { dataset, tag } = keyOf(task, inputs);
  return dc.client.getArtifact({ dataset, query: { case: "tagName", value: tag } }).then(
    (r) => r.artifact,
    (e: unknown) => {
      if ((e as { code?: Code }).code === Code.NotFound) return undefined;
      throw e;
    },
  );
}

async function store(task: TaskTemplate, inputs: LiteralMap, model: string, execution: string) {
  const { dataset, tag } = keyOf(task, inputs);
  await dc.client.createDataset({ id: dataset, metadata: { "task-version": task.id?.version ?? "" } });
  return dc.client.createArtifact({ dataset, data: [{ name: "model", value: stringLiteral(model) }], provenance: provenance(execution, "train-node", 0, task.id?.version), tags: [tag] });
}

describe("task caching through the catalog", () => {
  it("reuses an entry across task versions with the same name, cache version, interface and inputs", async () => {
    const inputs = literalMap({ lr: floatLiteral(0.1) });
    expect(await lookup(trainTask("v1"), inputs)).toBeUndefined();
    await store(trainTask("v1"), inputs, "model-from-v1", "run-1");
    // A new workflow version registers the unchanged task under version v2: same key, a hit.
    const hit = await lookup(trainTask("v2"), inputs);
    expect(hit?.data[0]?.value).toEqual(stringLiteral("model-from-v1"));
    expect(hit?.provenance?.taskExecution?.taskId?.version).toBe("v1");
    expect(hit?.provenance?.taskExecution?.nodeExecutionId?.executionId?.name).toBe("run-1");
    // Other inputs, a new cache version, or a changed interface miss.
    expect(await lookup(trainTask("v2"), literalMap({ lr: floatLiteral(0.2) }))).toBeUndefined();
    expect(await lookup(trainTask("v2", "2.0"), inputs)).toBeUndefined();
    const changed = trainTask("v2");
    changed.interface!.inputs!.variables.lr!.type = simpleType(SimpleType.INTEGER);
    expect(await lookup(changed, literalMap({ lr: intLiteral(1) }))).toBeUndefined();
    // A concurrent writer of the same key (say, the v2 run finishing too) loses and keeps the first entry.
    const second = await failure(store(trainTask("v2"), inputs, "model-from-v2", "run-2"));
    expect(second.code).toBe(Code.AlreadyExists);
    expect((await lookup(trainTask("v3"), inputs))?.data[0]?.value).toEqual(stringLiteral("model-from-v1"));
  });

  it("serializes two executions on one key: one computes, the other waits and then hits", async () => {
    const task = trainTask("v1");
    const inputs = literalMap({ lr: floatLiteral(0.5) });
    const { dataset, tag } = keyOf(task, inputs);
    const reserve = (owner: string) => dc.client.getOrExtendReservation({ reservationId: { datasetId: dataset, tagName: tag }, ownerId: owner, heartbeatInterval: { seconds: 10n } });
    const [a, b] = await Promise.all([reserve("exec-a/n0/0"), reserve("exec-b/n0/0")]);
    const winner = a.reservation?.ownerId;
    expect(b.reservation?.ownerId).toBe(winner);
    const loser = winner === "exec-a/n0/0" ? "exec-b/n0/0" : "exec-a/n0/0";
    // The loser polls: still held, still a miss.
    expect((await reserve(loser)).reservation?.ownerId).toBe(winner);
    expect(await lookup(task, inputs)).toBeUndefined();
    // The winner computes, stores and releases; the loser's next look is a hit and it runs nothing.
    await store(task, inputs, "computed-once", winner === "exec-a/n0/0" ? "exec-a" : "exec-b");
    await dc.client.releaseReservation({ reservationId: { datasetId: dataset, tagName: tag }, ownerId: winner ?? "" });
    expect((await lookup(task, inputs))?.data[0]?.value).toEqual(stringLiteral("computed-once"));
  });

  it("hands a crashed holder's reservation to a waiter once it lapses", async () => {
    const { dataset, tag } = keyOf(trainTask("v1"), literalMap({ lr: floatLiteral(0.9) }));
    const reserve = (owner: string) => dc.client.getOrExtendReservation({ reservationId: { datasetId: dataset, tagName: tag }, ownerId: owner, heartbeatInterval: { seconds: 10n } });
    await reserve("crashed");
    dc.clock.advance(29_999);
    expect((await reserve("waiter")).reservation?.ownerId).toBe("crashed");
    dc.clock.advance(1);
    expect((await reserve("waiter")).reservation?.ownerId).toBe("waiter");
  });
});
