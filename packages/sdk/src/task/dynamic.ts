import { create } from "@bufbuild/protobuf";
import { BindingSchema, DynamicJobSpecSchema, type Binding, type DynamicJobSpec, type WorkflowTemplate } from "@skein/idl";
import { DefinitionError } from "../definition-error.js";
import { dynamicSpecWithIdentity } from "../identity.js";
import type { Shape } from "../types/interface.js";
import { pendingFor } from "../workflow/bindings.js";
import { collectClosure } from "../workflow/closure.js";
import type { InputValues, NoInputs, OutputBindings, Outputs } from "../workflow/entity.js";
import { buildBinding, Graph, inScope } from "../workflow/node.js";
import { contextFrom, type TaskContext } from "./context.js";
import { defineTask, type TaskDefinition, type TaskOptions } from "./define.js";
import { TaskValidationError } from "./errors.js";
import { decodeInputs, type TaskIo } from "./io.js";

/** The body of a dynamic task: real input values in, nodes built by calls, outputs (references or values) out. */
export type DynamicBody<I extends Shape, O extends Outputs> = (inputs: InputValues<I>, ctx: TaskContext) => OutputBindings<O> | Promise<OutputBindings<O>>;

/**
 * Defines a dynamic task: a task whose body runs when it executes, with its actual input values,
 * and builds a graph (calling tasks, workflows, map, when...) that runs in its place. Generated
 * node ids are dn0, dn1, ...; inputs reach generated nodes as constants.
 */
export function dynamic<I extends Shape = NoInputs, O extends Outputs = undefined>(options: TaskOptions<I, O>, body: DynamicBody<I, O>): TaskDefinition<I, O> {
  if (typeof body !== "function") throw new TypeError(`task "${options.name}": the second argument must be the dynamic body`);
  return defineTask(options, {
    type: "typescript",
    isDynamic: true,
    config: { dynamic: "true" },
    execute: async (definition, inputs, runtime) => {
      const values = decodeInputs(definition, inputs) as InputValues<I>;
      const ctx = contextFrom(runtime);
      const { spec, tasks } = await buildSpec(definition, (graph) => inScope(graph.root, () => body(values, ctx)));
      return { dynamic: runtime.identity ? dynamicSpecWithIdentity(spec, runtime.identity) : spec, tasks };
    },
  });
}

async function buildSpec(io: TaskIo, run: (graph: Graph) => unknown): Promise<{ spec: DynamicJobSpec; tasks: ReadonlyMap<string, TaskDefinition> }> {
  const graph = new Graph(io.owner.replace(/^task/, "dynamic task"), "dn");
  try {
    const returned: unknown = await run(graph);
    for (const problem of graph.unfinished) throw new DefinitionError(`${graph.owner}: ${problem}`);
    const closure = collectClosure(graph.entities, graph.owner);
    const subworkflows = new Map<string, WorkflowTemplate>();
    for (const sub of closure.subWorkflows.values()) subworkflows.set(sub.name, sub.template);
    const spec = create(DynamicJobSpecSchema, {
      nodes: graph.root.nodes.map((node) => node.toProto()),
      outputs: outputBindings(io, returned, graph),
      tasks: [...closure.tasks.values()].map((t) => t.template),
      subworkflows: [...subworkflows.values()],
    });
    // Every task a body calls is a TaskDefinition; the closure only needs their templates.
    return { spec, tasks: new Map([...closure.tasks].map(([name, task]) => [name, task as TaskDefinition])) };
  } catch (error) {
    // A graph that cannot be built from these inputs cannot be built on a retry either.
    if (error instanceof DefinitionError) throw new TaskValidationError(error.message, { cause: error });
    throw error;
  }
}

function outputBindings(io: TaskIo, returned: unknown, graph: Graph): Binding[] {
  const variables = io.interface.outputs?.variables ?? {};
  const names = Object.keys(variables);
  if (names.length === 0) return [];
  let values: Record<string, unknown>;
  if (io.singleOutput) values = { [names[0] ?? ""]: returned };
  else if (typeof returned === "object" && returned !== null) values = returned as Record<string, unknown>;
  else throw new DefinitionError(`${graph.owner}: the body must return an object with the outputs ${names.join(", ")}`);
  return names.map((name) => {
    const type = variables[name]?.type;
    const value = values[name];
    if (!type || value === undefined) throw new DefinitionError(`${graph.owner}: the body returned no value for output "${name}"`);
    return create(BindingSchema, { var: name, binding: buildBinding(pendingFor(value, type, graph.root, `${graph.owner}: outputs.${name}`)) });
  });
}
