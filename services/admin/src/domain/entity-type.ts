import { ResourceType } from "@skein/idl";
import { invalidArgument } from "@skein/server";
import type { EntityRowType } from "../repositories/database.js";

/**
 * The stored entity type of a task, workflow or launch plan resource type; InvalidArgument naming
 * `field` for any other (datasets are not entities of the admin).
 */
export function entityRowType(type: ResourceType, field: string): EntityRowType {
  switch (type) {
    case ResourceType.TASK:
      return "task";
    case ResourceType.WORKFLOW:
      return "workflow";
    case ResourceType.LAUNCH_PLAN:
      return "launch_plan";
    case ResourceType.UNSPECIFIED:
    case ResourceType.DATASET:
      throw invalidArgument(field, "must be TASK, WORKFLOW or LAUNCH_PLAN");
  }
}
