import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import { IdentifierSchema, LiteralMapSchema, ResourceType, SimpleType, WorkflowTemplateSchema, type Identifier, type Literal, type LiteralMap } from "@skein/idl";
import { LaunchPlanState, type AdminService, type LaunchPlanSpecSchema } from "@skein/idl/admin/v1";
import { intLiteral, simpleType, stringLiteral } from "@skein/engine";
import { createTaskRequest, taskId } from "./task-fixtures.js";

// A small registered world for execution tests: task `double` (x: int → y: int), workflow `wf`
// (x: int, greeting: str → y: int) calling it, and launch plans over `wf` as each test needs.

export const PROJECT = "proj";
export const DOMAIN = "development";

export function id(resourceType: ResourceType, name: string, version = "v1"): Identifier {
  return create(IdentifierSchema, { resourceType, project: PROJECT, domain: DOMAIN, name, version });
}

export function inputs(values: Readonly<Record<string, Literal>>): LiteralMap {
  return create(LiteralMapSchema, { literals: { ...values } });
}

export const int = (n: number) => intLiteral(BigInt(n));
export const str = (s: string) => stringLiteral(s);

/** Registers project, task `double` and workflow `wf` (idempotent). */
export async function registerWorld(client: Client<typeof AdminService>): Promise<void> {
  await client.registerProject({ project: { id: PROJECT } }).catch(() => undefined);
  await client.createTask(createTaskRequest(taskId("double")));
  const wf = id(ResourceType.WORKFLOW, "wf");
  const template = create(WorkflowTemplateSchema, {
    id: wf,
    interface: {
      inputs: { variables: { x: { type: simpleType(SimpleType.INTEGER) }, greeting: { type: simpleType(SimpleType.STRING) } } },
      outputs: { variables: { y: { type: simpleType(SimpleType.INTEGER) } } },
    },
    nodes: [
      {
        id: "n0",
        inputs: [{ var: "x", binding: { value: { case: "promise", value: { nodeId: "start-node", var: "x" } } } }],
        target: { case: "taskNode", value: { reference: { case: "referenceId", value: taskId("double") } } },
      },
    ],
    outputs: [{ var: "y", binding: { value: { case: "promise", value: { nodeId: "n0", var: "y" } } } }],
  });
  await client.createWorkflow({ id: wf, spec: { template } });
}

type SpecInit = Exclude<MessageInitShape<typeof LaunchPlanSpecSchema>, { $typeName: string }>;

/**
 * Registers launch plan `name` over `wf`: `x` required, `greeting` defaulting to "hello" unless
 * `spec` says otherwise; activated when `activate`.
 */
export async function registerLaunchPlan(client: Client<typeof AdminService>, name: string, spec: SpecInit = {}, activate = false): Promise<Identifier> {
  const lp = id(ResourceType.LAUNCH_PLAN, name);
  await client.createLaunchPlan({
    id: lp,
    spec: {
      workflowId: id(ResourceType.WORKFLOW, "wf"),
      defaultInputs: {
        parameters: {
          x: { var: { type: simpleType(SimpleType.INTEGER) }, behavior: { case: "required", value: true } },
          greeting: { var: { type: simpleType(SimpleType.STRING) }, behavior: { case: "default", value: str("hello") } },
        },
      },
      ...spec,
    },
  });
  if (activate) await client.updateLaunchPlan({ id: lp, state: LaunchPlanState.ACTIVE });
  return lp;
}
