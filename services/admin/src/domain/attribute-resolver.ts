import { fromBinary } from "@bufbuild/protobuf";
import { MatchableResource, MatchingAttributesSchema, type MatchingAttributes } from "@skein/idl/admin/v1";
import { assertNever } from "@skein/engine";
import { invalidArgument } from "@skein/server";
import type { Kysely, Transaction } from "kysely";
import { AttributeRepository, type AttributeTarget } from "../repositories/attribute-repository.js";
import type { AdminDatabase, AttributeRowType } from "../repositories/database.js";

/** The stored name of a kind of attribute. */
export function attributeRowType(type: MatchableResource, field = "resource_type"): AttributeRowType {
  switch (type) {
    case MatchableResource.EXECUTION_CLUSTER_LABEL:
      return "execution_cluster_label";
    case MatchableResource.WORKFLOW_EXECUTION_CONFIG:
      return "workflow_execution_config";
    case MatchableResource.PLUGIN_OVERRIDE:
      return "plugin_override";
    case MatchableResource.TASK_RESOURCE:
      return "task_resource";
    case MatchableResource.UNSPECIFIED:
      throw invalidArgument(field, "must name a kind of attribute");
    default:
      return assertNever(type, "matchable resource");
  }
}

/**
 * The attribute of kind `resourceType` that applies to an execution of `target`, the most
 * specific level winning (launch plan > workflow > project and domain > project), or undefined
 * when none is set at any level; the caller then falls back to the server configuration.
 */
export async function resolveAttributes(
  db: Kysely<AdminDatabase> | Transaction<AdminDatabase>,
  target: AttributeTarget,
  resourceType: MatchableResource,
): Promise<MatchingAttributes | undefined> {
  const row = await new AttributeRepository(db).mostSpecific(attributeRowType(resourceType), target);
  return row === undefined ? undefined : fromBinary(MatchingAttributesSchema, row.attributes);
}
