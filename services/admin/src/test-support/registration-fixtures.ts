import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  IdentifierSchema, NodeSchema, ResourceType, SimpleType, WorkflowTemplateSchema,
  type Identifier, type LiteralType, type Node, type WorkflowTemplate,
} from "@skein/idl";
import type { CreateLaunchPlanRequestSchema, CreateWorkflowRequestSchema } from "@skein/idl/admin/v1";
import { intLiteral, optionalType, simpleType, stringLiteral } from "@skein/engine";

// Workflows and launch plans shaped like the SDK registers them: every identifier, references
// inside nodes included, carries project, domain and version.

export const INT = simpleType(SimpleType.INTEGER);
export const STR = simpleType(SimpleType.STRING);
export const DATETIME = simpleType(SimpleType.DATETIME);

export function workflowId(name: string, version = "v1", project = "proj", domain = "development"): Identifier {
  return create(IdentifierSchema, { resourceType: ResourceType.WORKFLOW, project, domain, name, version });
}

export function launchPlanId(name: string, version = "v1", project = "proj", domain = "development"): Identifier {
  return create(IdentifierSchema, { resourceType: ResourceType.LAUNCH_PLAN, project, domain, name, version });
}

const vars = (v: Readonly<Record<string, LiteralType>>) => ({ variables: Object.fromEntries(Object.entries(v).map(([k, type]) => [k, { type, description: k }])) });

/** A node running task `task` (x: int → y: int) on `x`, bound to the workflow input `x` or another node's `y`. */
export function taskNode(id: string, task: Identifier, from: { input: string } | { node: string }): Node {
  const promise = "input" in from ? { nodeId: "start-node", var: from.input } : { nodeId: from.node, var: "y" };
  return create(NodeSchema, {
    id,
    inputs: [{ var: "x", binding: { value: { case: "promise", value: promise } } }],
    upstreamNodeIds: "node" in from ? [from.node] : [],
    target: { case: "taskNode", value: { reference: { case: "referenceId", value: task } } },
  });
}

/** A node calling a launch plan or a sub-workflow whose interface is x: int → y: int. */
export function callNode(id: string, target: Identifier, input: string): Node {
  const reference = target.resourceType === ResourceType.LAUNCH_PLAN ? ({ case: "launchplanRef", value: target } as const) : ({ case: "subWorkflowRef", value: target } as const);
  return create(NodeSchema, {
    id,
    inputs: [{ var: "x", binding: { value: { case: "promise", value: { nodeId: "start-node", var: input } } } }],
    target: { case: "workflowNode", value: { reference } },
  });
}

export interface WorkflowShape {
  readonly inputs?: Readonly<Record<string, LiteralType>>;
  readonly nodes: readonly Node[];
  /** The workflow output `y` comes from this node's `y`. */
  readonly output: string;
}

/** A workflow template with output y: int. */
export function workflowTemplate(id: Identifier, shape: WorkflowShape): WorkflowTemplate {
  return create(WorkflowTemplateSchema, {
    id,
    interface: { inputs: vars(shape.inputs ?? { x: INT }), outputs: vars({ y: INT }) },
    nodes: [...shape.nodes],
    outputs: [{ var: "y", binding: { value: { case: "promise", value: { nodeId: shape.output, var: "y" } } } }],
  });
}

/** `wf(x) = double(double(x))` over the registered task `task`. */
export function chainWorkflow(id: Identifier, task: Identifier): WorkflowTemplate {
  return workflowTemplate(id, { nodes: [taskNode("n0", task, { input: "x" }), taskNode("n1", task, { node: "n0" })], output: "n1" });
}

export function createWorkflowRequest(id: Identifier, template: WorkflowTemplate, description = "doubles twice"): MessageInitShape<typeof CreateWorkflowRequestSchema> {
  return { id, spec: { template, description } };
}

/** A workflow with inputs x: int, label: str, when: datetime?, note: str? (the last two optional). */
export function richWorkflow(id: Identifier, task: Identifier): WorkflowTemplate {
  return workflowTemplate(id, {
    inputs: { x: INT, label: STR, when: optionalType(DATETIME), note: optionalType(STR) },
    nodes: [taskNode("n0", task, { input: "x" })],
    output: "n0",
  });
}

type SpecInit = Exclude<NonNullable<MessageInitShape<typeof CreateLaunchPlanRequestSchema>["spec"]>, { $typeName: string }>;

/** A launch plan of `workflow` that requires x and defaults label to "hello"; `spec` is merged over it. */
export function createLaunchPlanRequest(id: Identifier, workflow: Identifier, spec: SpecInit = {}): MessageInitShape<typeof CreateLaunchPlanRequestSchema> {
  return {
    id,
    spec: {
      workflowId: workflow,
      defaultInputs: {
        parameters: {
          x: { var: { type: INT }, behavior: { case: "required", value: true } },
          label: { var: { type: STR }, behavior: { case: "default", value: stringLiteral("hello") } },
        },
      },
      ...spec,
    },
  };
}

export { intLiteral, stringLiteral };
