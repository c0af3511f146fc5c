import { createHash } from "node:crypto";
import { LaunchPlanSpecSchema } from "@skein/idl/admin/v1";
import { LaunchPlanTemplateSchema, TaskTemplateSchema, WorkflowTemplateSchema } from "@skein/idl";
import { create } from "@bufbuild/protobuf";
import { assertNever, hashMessage } from "@skein/engine";
import { launchPlanSpecFields, type PlannedEntity } from "./registration.js";

/** How many hex digits of the content hash a computed version keeps (80 bits). */
const VERSION_LENGTH = 20;

/**
 * The version a registration gets when none is given: a hash of the code bundle's digest and the
 * canonical form of every entity as defined (before project, domain, version and the bundle's
 * location are filled in, since those differ between servers). The same code gives the same
 * version on every machine; any change to code or definitions gives a new one.
 */
export function contentVersion(bundleSha256: string, plan: readonly PlannedEntity[]): string {
  const hash = createHash("sha256").update(`bundle ${bundleSha256}\n`);
  for (const entity of plan) hash.update(`${entity.kind} ${entity.name} ${entityDigest(entity)}\n`);
  return hash.digest("hex").slice(0, VERSION_LENGTH);
}

function entityDigest(entity: PlannedEntity): string {
  switch (entity.kind) {
    case "task":
      return `${entity.module} ${hashMessage(TaskTemplateSchema, entity.definition.template)} ${JSON.stringify(entity.definition.description)}`;
    case "workflow":
      return `${hashMessage(WorkflowTemplateSchema, entity.definition.template)} ${JSON.stringify(entity.definition.description)}`;
    case "launchPlan": {
      const plan = entity.definition;
      const spec = create(LaunchPlanSpecSchema, launchPlanSpecFields(plan));
      return `${plan.workflow.name} ${hashMessage(LaunchPlanTemplateSchema, plan.template)} ${hashMessage(LaunchPlanSpecSchema, spec)}`;
    }
    default:
      return assertNever(entity);
  }
}
