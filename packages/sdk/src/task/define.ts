import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ResourceType, TaskTemplateSchema, TypedInterfaceSchema, VariableMapSchema, type ContainerSchema, type LiteralMap, type TaskTemplate } from "@skein/idl";
import { checkEntityName, DefinitionError } from "../definition-error.js";
import { omittableInputs, outputShape, variableMap, type Shape } from "../types/interface.js";
import { callEntity } from "../workflow/call.js";
import type { CallableEntity, CallArgs, CallSignature, Outputs } from "../workflow/entity.js";
import type { TaskResult, TaskRuntime } from "./context.js";
import type { TaskIo } from "./io.js";
import { taskContainer, taskMetadata, workersConfig, type ContainerInit, type RunOptions } from "./metadata.js";

/** Options every kind of task takes. */
export interface TaskOptions<I extends Shape, O extends Outputs> extends RunOptions {
  /** The task name: a letter or `_`, then letters, digits, `_`, `.`, `-`. */
  readonly name: string;
  readonly inputs?: I;
  /** One schema (a single output), a record of named outputs, or nothing. */
  readonly outputs?: O;
  readonly description?: string;
}

/**
 * A task: call it inside a workflow body to add a node; the runner calls `execute` to run it.
 * The template's id has an empty project, domain and version, filled at registration.
 */
export interface TaskDefinition<I extends Shape = Shape, O extends Outputs = Outputs> extends CallSignature<I, O>, CallableEntity, TaskIo {
  readonly kind: "task";
  readonly name: string;
  readonly description: string;
  readonly template: TaskTemplate;
  /** True for dynamic tasks: `execute` returns the graph to run in their place. */
  readonly isDynamic: boolean;
  /**
   * Runs one attempt: literals to JavaScript values, the function, outputs back to literals.
   * Absent for container tasks, which the runner starts as processes.
   */
  readonly execute?: (inputs: LiteralMap, runtime: TaskRuntime) => Promise<TaskResult>;
  readonly __types?: { readonly inputs: I; readonly outputs: O };
}

const commonOptions = ["name", "inputs", "outputs", "description", "cache", "retries", "timeout", "interruptible", "resources", "image", "env", "workers"];

export interface DefineSpec {
  readonly type: string;
  /** Extra option names this kind of task accepts. */
  readonly extraOptions?: readonly string[];
  /** Replaces the container built from the options (container tasks add command and args). */
  readonly container?: (base: ContainerInit | undefined) => MessageInitShape<typeof ContainerSchema>;
  readonly config?: Record<string, string>;
  readonly isDynamic?: boolean;
  readonly execute?: (definition: TaskDefinition, inputs: LiteralMap, runtime: TaskRuntime) => Promise<TaskResult>;
}

/** Builds the definition object shared by task(), dynamic() and containerTask(). */
export function defineTask<I extends Shape, O extends Outputs>(options: TaskOptions<I, O>, spec: DefineSpec): TaskDefinition<I, O> {
  if (typeof options !== "object" || (options as unknown) === null) throw new DefinitionError("task options must be an object with at least a name");
  const name = checkEntityName("task", options.name);
  const owner = `task "${name}"`;
  const allowed = new Set([...commonOptions, ...(spec.extraOptions ?? [])]);
  for (const key of Object.keys(options)) if (!allowed.has(key)) throw new DefinitionError(`${owner}: unknown option "${key}" (options: ${[...allowed].join(", ")})`);
  const inputSchemas: Shape = options.inputs ?? {};
  const { shape: outputSchemas, single } = outputShape(options.outputs);
  const iface = create(TypedInterfaceSchema, { inputs: variableMap(inputSchemas, "inputs", owner), outputs: variableMap(outputSchemas, "outputs", owner) });
  const omittable = omittableInputs(inputSchemas, iface.inputs ?? create(VariableMapSchema), owner);
  const base = taskContainer(options, owner);
  const container = spec.container ? spec.container(base) : base;
  const template = create(TaskTemplateSchema, {
    id: { resourceType: ResourceType.TASK, name },
    type: spec.type,
    metadata: taskMetadata(options, owner, Object.keys(inputSchemas)),
    interface: iface,
    target: container ? { case: "container", value: container } : { case: undefined },
    config: { ...spec.config, ...workersConfig(options, owner, spec.type) },
  });
  const definition = ((args: CallArgs<I>) => callEntity(definition, args)) as unknown as TaskDefinition<I, O>;
  const execute = spec.execute;
  const properties: Record<string, unknown> = {
    kind: "task",
    name,
    description: options.description ?? "",
    template,
    id: template.id,
    interface: iface,
    owner,
    inputSchemas,
    outputSchemas,
    singleOutput: single,
    omittable,
    isDynamic: spec.isDynamic ?? false,
    execute: execute ? (inputs: LiteralMap, runtime: TaskRuntime) => execute(definition, inputs, runtime) : undefined,
  };
  Object.defineProperties(definition, Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, { value, enumerable: true }])));
  return definition;
}
