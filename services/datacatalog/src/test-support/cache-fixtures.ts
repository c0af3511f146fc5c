import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ResourceType } from "@skein/idl";
import {
  CreateArtifactRequestSchema,
  DatasetIdSchema,
  ProvenanceSchema,
  type CreateArtifactRequest,
  type DatasetId,
  type Provenance,
} from "@skein/idl/datacatalog/v1";
import { intLiteral, stringLiteral } from "@skein/engine";
import { expect } from "vitest";

/** A dataset id in project `demo`, domain `development`. */
export function datasetId(name = "task-train", version = "1.0-abcdefgh-ijklmnop"): DatasetId {
  return create(DatasetIdSchema, { project: "demo", domain: "development", name, version });
}

/** The attempt that produced an artifact: execution, node, retry attempt and task version. */
export function provenance(execution = "run-1", node = "n0", attempt = 0, taskVersion = "v1"): Provenance {
  return create(ProvenanceSchema, {
    taskExecution: {
      taskId: { resourceType: ResourceType.TASK, project: "demo", domain: "development", name: "train", version: taskVersion },
      nodeExecutionId: { nodeId: node, executionId: { project: "demo", domain: "development", name: execution } },
      retryAttempt: attempt,
    },
    clusterId: "local-a",
  });
}

/** A CreateArtifact request storing `model` and `epochs` under `tags`. */
export function createArtifactRequest(
  tags: readonly string[],
  overrides: Omit<Exclude<MessageInitShape<typeof CreateArtifactRequestSchema>, CreateArtifactRequest>, "$typeName"> = {},
): CreateArtifactRequest {
  return create(CreateArtifactRequestSchema, {
    dataset: datasetId(),
    data: [
      { name: "model", value: stringLiteral("weights-1") },
      { name: "epochs", value: intLiteral(3) },
    ],
    metadata: { source: "test" },
    provenance: provenance(),
    tags: [...tags],
    ...overrides,
  });
}

/** The ConnectError a call failed with; fails the test if it succeeded. */
export async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  return expect.fail("expected the call to fail");
}

/** Asserts the call failed with `code` and a message matching `message`. */
export async function expectFailure(promise: Promise<unknown>, code: Code, message: RegExp): Promise<void> {
  const error = await failure(promise);
  expect({ code: Code[error.code], message: error.rawMessage }).toMatchObject({ code: Code[code], message: expect.stringMatching(message) as unknown });
}
