import { create } from "@bufbuild/protobuf";
import {
  BindingSchema, ResourceType, TypedInterfaceSchema, VariableMapSchema, WorkflowFailurePolicy, WorkflowTemplateSchema,
  type Binding, type CompiledWorkflowClosure, type TypedInterface,
} from "@skein/idl";
import { CompileErrors, compileWorkflow } from "@skein/engine";
import { checkEntityName, DefinitionError } from "../definition-error.js";
import { timeoutOption, type DurationInput } from "../options.js";
import type { TaskDefinition } from "../task/define.js";
import { omittableInputs, outputShape, parameterMap, variableMap, type Shape } from "../types/interface.js";
import { pendingFor } from "./bindings.js";
import { callEntity } from "./call.js";
import { collectClosure } from "./closure.js";
import type { WorkflowDefinition } from "./definitions.js";
import type { InputRefs, NoInputs, OutputBindings, Outputs } from "./entity.js";
import { failureNode } from "./failure-node.js";
import { launchPlan } from "./launch-plan.js";
import { buildBinding, Graph, inScope } from "./node.js";
import { Ref } from "./ref.js";

export interface WorkflowOptions<I extends Shape, O extends Outputs> {
  readonly name: string;
  readonly inputs?: I;
  /** One schema (a single output), a record of named outputs, or nothing. */
  readonly outputs?: O;
  readonly description?: string;
  /** "fail-immediately" (default) aborts running nodes at the first failure; "continue" lets every node that can still run finish first. */
  readonly failurePolicy?: "fail-immediately" | "continue";
  /** A task run after the workflow failed; it gets the workflow inputs of the same names, and the error in an input named `err`. */
  readonly onFailure?: TaskDefinition;
  /** The most time the whole execution may take. */
  readonly timeout?: DurationInput;
}

/** The body: runs once, when the workflow is defined, with references to the inputs. */
export type WorkflowBody<I extends Shape, O extends Outputs> = (inputs: InputRefs<I>) => OutputBindings<O>;

const knownOptions = new Set(["name", "inputs", "outputs", "description", "failurePolicy", "onFailure", "timeout"]);

/**
 * Defines a workflow. The body runs once, now, with references to the inputs; calling tasks,
 * workflows and launch plans inside it adds nodes. The result is compiled at once: every problem
 * (type mismatches, missing inputs, cycles...) is thrown together as CompileErrors.
 */
export function workflow<I extends Shape = NoInputs, O extends Outputs = undefined>(options: WorkflowOptions<I, O>, body: WorkflowBody<I, O>): WorkflowDefinition<I, O> {
  if (typeof options !== "object" || (options as unknown) === null) throw new DefinitionError("workflow options must be an object with at least a name");
  const name = checkEntityName("workflow", options.name);
  const owner = `workflow "${name}"`;
  for (const key of Object.keys(options)) if (!knownOptions.has(key)) throw new DefinitionError(`${owner}: unknown option "${key}" (options: ${[...knownOptions].join(", ")})`);
  if (typeof body !== "function") throw new DefinitionError(`${owner}: the second argument must be the workflow body`);
  const policy = options.failurePolicy as string | undefined;
  if (policy !== undefined && policy !== "continue" && policy !== "fail-immediately") {
    throw new DefinitionError(`${owner}: failurePolicy must be "fail-immediately" or "continue", got ${JSON.stringify(options.failurePolicy)}`);
  }
  const inputSchemas: Shape = options.inputs ?? {};
  const { shape: outputSchemas, single } = outputShape(options.outputs);
  const iface = create(TypedInterfaceSchema, { inputs: variableMap(inputSchemas, "inputs", owner), outputs: variableMap(outputSchemas, "outputs", owner) });
  const omittable = omittableInputs(inputSchemas, iface.inputs ?? create(VariableMapSchema), owner);

  const graph = new Graph(owner);
  const refs = Object.fromEntries(
    Object.entries(iface.inputs?.variables ?? {}).flatMap(([input, v]) => (v.type ? [[input, new Ref(graph, undefined, input, v.type, inputSchemas[input])]] : [])),
  ) as InputRefs<I>;
  const returned = inScope(graph.root, () => body(refs));
  if (typeof (returned as { then?: unknown } | null)?.then === "function") {
    throw new DefinitionError(`${owner}: the body must be synchronous (it returned a promise); it runs once to build the graph, with references instead of values`);
  }
  for (const problem of graph.unfinished) throw new DefinitionError(`${owner}: ${problem}`);
  const outputs = outputBindings(returned, iface, single, graph, owner);
  const failure = options.onFailure ? failureNode(options.onFailure, iface, graph, owner) : undefined;
  if (options.onFailure) graph.entities.add(options.onFailure);

  const template = create(WorkflowTemplateSchema, {
    id: { resourceType: ResourceType.WORKFLOW, name },
    metadata: {
      onFailure: options.failurePolicy === "continue" ? WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE : WorkflowFailurePolicy.FAIL_IMMEDIATELY,
      ...(options.timeout === undefined ? {} : { timeout: timeoutOption(options.timeout, `${owner}: timeout`) }),
    },
    interface: iface,
    nodes: graph.root.nodes.map((node) => node.toProto()),
    outputs,
    failureNode: failure,
  });
  const closure = collectClosure(graph.entities, owner);
  const result = compileWorkflow({
    workflow: template,
    tasks: [...closure.tasks.values()].map((t) => t.template),
    subWorkflows: [...closure.subWorkflows.values()].map((w) => w.template),
    launchPlans: [...closure.launchPlans.values()].map((l) => l.template),
  });
  if (!result.ok) throw new CompileErrors(result.errors);
  const compiled: CompiledWorkflowClosure = result.closure;

  const definition = ((args: unknown) => callEntity(definition, args)) as unknown as WorkflowDefinition<I, O>;
  const properties: Record<string, unknown> = {
    kind: "workflow",
    name,
    description: options.description ?? "",
    template,
    id: template.id,
    interface: iface,
    inputSchemas,
    outputSchemas,
    singleOutput: single,
    omittable,
    defaults: parameterMap(iface.inputs ?? create(VariableMapSchema), omittable),
    tasks: closure.tasks,
    subWorkflows: closure.subWorkflows,
    launchPlans: closure.launchPlans,
    compile: () => compiled,
  };
  Object.defineProperties(definition, Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, { value, enumerable: true }])));
  Object.defineProperty(definition, "defaultLaunchPlan", { value: launchPlan(definition), enumerable: true });
  return definition;
}

function outputBindings(returned: unknown, iface: TypedInterface, single: boolean, graph: Graph, owner: string): Binding[] {
  const variables = iface.outputs?.variables ?? {};
  const names = Object.keys(variables);
  if (names.length === 0) return [];
  const values: Record<string, unknown> = single ? { [names[0] ?? ""]: returned } : objectOf(returned, names, owner);
  return names.map((output) => {
    const type = variables[output]?.type;
    const value = values[output];
    if (value === undefined) throw new DefinitionError(`${owner}: the body returned no value for output "${output}"`);
    if (!type) throw new DefinitionError(`${owner}: output "${output}" has no type`);
    const data = pendingFor(value, type, graph.root, `${owner}: ${single ? "output" : `outputs.${output}`}`);
    return create(BindingSchema, { var: output, binding: buildBinding(data) });
  });
}

function objectOf(returned: unknown, names: readonly string[], owner: string): Record<string, unknown> {
  if (typeof returned !== "object" || returned === null || returned instanceof Ref) {
    throw new DefinitionError(`${owner}: the body must return an object with the outputs ${names.join(", ")}`);
  }
  const record = returned as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!names.includes(key)) throw new DefinitionError(`${owner}: the body returned "${key}", which is not an output (outputs: ${names.join(", ")})`);
  }
  return record;
}
