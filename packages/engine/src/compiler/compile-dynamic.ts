import { create } from "@bufbuild/protobuf";
import {
  IdentifierSchema, ResourceType, WorkflowTemplateSchema,
  type DynamicJobSpec, type Identifier, type LaunchPlanTemplate, type TaskTemplate, type TypedInterface, type WorkflowTemplate,
} from "@skein/idl";
import { Catalog } from "./catalog.js";
import { ErrorSink } from "./compile-error.js";
import { compileClosure, type CompileResult } from "./compile-workflow.js";

/** Where a dynamic spec came from, and what its nodes may reference besides its own templates. */
export interface DynamicJobContext {
  /** The path of the dynamic node; generated nodes are named `<parentNode>/<id>` in errors. */
  readonly parentNode: string;
  /** The workflow the dynamic node belongs to. */
  readonly workflowName: string;
  /** Tasks the generated nodes may reference besides those in the spec. */
  readonly tasks?: readonly TaskTemplate[];
  /** Sub-workflows the generated nodes may run besides those in the spec. */
  readonly subWorkflows?: readonly WorkflowTemplate[];
  /** Launch plans the generated nodes may reference. */
  readonly launchPlans?: readonly LaunchPlanTemplate[];
  /**
   * The dynamic task's interface. Its inputs are what generated nodes read from start-node, its
   * outputs what `spec.outputs` must bind. Without it neither side is type-checked.
   */
  readonly parentInterface?: TypedInterface;
  /**
   * The id of the workflow the dynamic node belongs to: the generated workflow's default id takes
   * its project, domain and version (so it is a complete identifier).
   */
  readonly workflowId?: Identifier;
  /** The id given to the generated workflow; by default derived from the workflow and node. */
  readonly id?: Identifier;
}

/**
 * Compiles the graph a dynamic task generated, as an inline workflow whose inputs are the dynamic
 * node's inputs and whose outputs are its outputs.
 */
export function compileDynamicJob(spec: DynamicJobSpec, context: DynamicJobContext): CompileResult {
  const sink = new ErrorSink(context.workflowName);
  const catalog = new Catalog({
    tasks: [...spec.tasks, ...(context.tasks ?? [])],
    subWorkflows: [...spec.subworkflows, ...(context.subWorkflows ?? [])],
    launchPlans: context.launchPlans ?? [],
  }, sink);
  if (spec.minSuccesses < 0n || spec.minSuccesses > BigInt(spec.nodes.length)) {
    sink.add("INVALID_DYNAMIC_SPEC", { node: context.parentNode },
      `min_successes is ${spec.minSuccesses}, but the spec has ${spec.nodes.length} nodes`);
  }
  const template = create(WorkflowTemplateSchema, {
    id: context.id ?? generatedId(context),
    interface: context.parentInterface,
    nodes: spec.nodes,
    outputs: spec.outputs,
  });
  return compileClosure(template, catalog, sink, {
    nodePrefix: `${context.parentNode}/`,
    outputsNode: context.parentNode,
    typedInterface: context.parentInterface !== undefined,
  });
}

function generatedId(context: DynamicJobContext): Identifier {
  const raw = `${context.workflowName}.${context.parentNode}`.replace(/[^A-Za-z0-9_.-]/g, "_");
  const name = /^[A-Za-z_]/.test(raw) ? raw : `_${raw}`;
  const { project = "", domain = "", version = "" } = context.workflowId ?? {};
  return create(IdentifierSchema, { resourceType: ResourceType.WORKFLOW, project, domain, name: name.slice(0, 255), version });
}
