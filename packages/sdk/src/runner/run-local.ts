import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { create } from "@bufbuild/protobuf";
import { checkLiteralMap, type EngineRecord } from "@skein/engine";
import { LiteralMapSchema, VariableMapSchema, type CompiledWorkflowClosure, type Literal, type LiteralMap, type ParameterMap } from "@skein/idl";
import type { z } from "zod";
import type { TaskDefinition } from "../task/define.js";
import { adaptToSchema } from "../types/adapt.js";
import { fromLiteral } from "../types/convert.js";
import { parameterMap } from "../types/interface.js";
import type { LaunchPlanDefinition, WorkflowDefinition } from "../workflow/definitions.js";
import { ContainerProcessInvoker } from "./container-process.js";
import { driveExecution, type ChildLauncher, type ExecutionResult, type SignalSource } from "./drive.js";
import { InProcessInvoker } from "./in-process.js";
import { LocalCache } from "./local-cache.js";
import { singleTaskClosure } from "./single-task.js";

/** Inputs that do not fit the entity: every problem, each naming the input. */
export class InputError extends Error {
  constructor(
    entity: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid inputs for ${entity}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "InputError";
  }
}

export type RunnableEntity = WorkflowDefinition | TaskDefinition | LaunchPlanDefinition;

export interface LocalRunOptions {
  /** State directory: cache under `cache/`, checkpoints under `checkpoints/`. Default `.skein`. */
  readonly dataDir?: string;
  /** Skip cache lookups and overwrite the entries of tasks that run. */
  readonly overwriteCache?: boolean;
  readonly signals?: SignalSource;
  readonly onRecord?: (record: EngineRecord) => void;
  /** A task's `ctx.log` lines. */
  readonly onLog?: (node: string, message: string) => void;
  readonly abort?: AbortSignal;
  readonly executionName?: string;
}

export interface LocalRun extends ExecutionResult {
  readonly executionName: string;
}

interface Plan {
  readonly label: string;
  readonly closure: CompiledWorkflowClosure;
  readonly parameters: ParameterMap;
  readonly fixed: LiteralMap;
  readonly tasks: ReadonlyMap<string, TaskDefinition>;
  readonly launchPlans: ReadonlyMap<string, LaunchPlanDefinition>;
}

/** The inputs a caller may pass to an entity: each required or with its default. */
export function parametersOf(entity: RunnableEntity): ParameterMap {
  if (entity.kind !== "task") return entity.defaults;
  return parameterMap(entity.template.interface?.inputs ?? create(VariableMapSchema), entity.omittable);
}

function planOf(entity: RunnableEntity): Plan {
  switch (entity.kind) {
    case "workflow":
      return { label: `workflow "${entity.name}"`, closure: entity.compile(), parameters: entity.defaults, fixed: create(LiteralMapSchema), tasks: entity.tasks, launchPlans: entity.launchPlans };
    case "launchPlan":
      return { ...planOf(entity.workflow), label: `launch plan "${entity.name}"`, parameters: entity.defaults, fixed: entity.fixed };
    case "task":
      return {
        label: `task "${entity.name}"`,
        closure: singleTaskClosure(entity.template),
        parameters: parametersOf(entity),
        fixed: create(LiteralMapSchema),
        tasks: new Map([[entity.name, entity]]),
        launchPlans: new Map(),
      };
  }
}

/** Fills defaults and fixed inputs, then checks everything against the interface at once. */
export function resolveInputs(
  plan: Pick<Plan, "label" | "parameters" | "fixed">,
  given: Readonly<Record<string, Literal>>,
  schemas: Readonly<Record<string, z.ZodType>> = {},
): LiteralMap {
  const problems: string[] = [];
  for (const name of Object.keys(given)) {
    if (plan.fixed.literals[name]) problems.push(`${name}: is fixed by the launch plan and cannot be set`);
  }
  const literals: Record<string, Literal> = {};
  for (const [name, parameter] of Object.entries(plan.parameters.parameters)) {
    const value = given[name] ?? (parameter.behavior.case === "default" ? parameter.behavior.value : undefined);
    if (value) literals[name] = value;
  }
  for (const [name, value] of Object.entries(given)) if (!plan.fixed.literals[name]) literals[name] = value;
  // Fixed inputs are not parameters (callers cannot set them) and were checked when the plan was defined.
  problems.push(...checkLiteralMap(create(LiteralMapSchema, { literals }), plan.parameters, "inputs").map((p) => p.replace(/^inputs\./, "")));
  // Values of the right type may still break a schema's own checks (`.min(10)`, a regex...).
  if (problems.length === 0) problems.push(...schemaProblems(plan.parameters, literals, schemas));
  if (problems.length > 0) throw new InputError(plan.label, problems);
  return create(LiteralMapSchema, { literals: { ...literals, ...plan.fixed.literals } });
}

function schemaProblems(parameters: ParameterMap, literals: Readonly<Record<string, Literal>>, schemas: Readonly<Record<string, z.ZodType>>): string[] {
  const problems: string[] = [];
  for (const [name, literal] of Object.entries(literals)) {
    const schema = schemas[name];
    const type = parameters.parameters[name]?.var?.type;
    if (!schema || !type) continue;
    const result = schema.safeParse(adaptToSchema(fromLiteral(literal, type, name), schema));
    if (!result.success) for (const issue of result.error.issues) problems.push(`${[name, ...issue.path.map(String)].join(".")}: ${issue.message}`);
  }
  return problems;
}

function newExecutionName(): string {
  return `l${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
}

/**
 * Runs a workflow, launch plan or single task on this machine: the shared engine, TypeScript tasks
 * in this process, container tasks as local processes, outputs cached under `<dataDir>/cache`.
 */
export async function runLocally(entity: RunnableEntity, inputs: Readonly<Record<string, Literal>>, options: LocalRunOptions = {}): Promise<LocalRun> {
  const plan = planOf(entity);
  const resolved = resolveInputs(plan, inputs, entity.inputSchemas);
  const dataDir = resolve(options.dataDir ?? ".skein");
  const executionName = options.executionName ?? newExecutionName();
  const children: ChildLauncher = {
    run: async ({ launchPlan, inputs: childInputs, name, signal }) => {
      const child = plan.launchPlans.get(launchPlan.name);
      if (!child) throw new Error(`launch plan "${launchPlan.name}" is not defined in the loaded code`);
      return runLocally(child, childInputs.literals, { ...options, executionName: name, abort: signal, onRecord: undefined });
    },
  };
  const result = await driveExecution({
    closure: plan.closure,
    inputs: resolved,
    executionName,
    engine: { overwriteCache: options.overwriteCache ?? false },
    invoker: new InProcessInvoker(plan.tasks, { checkpointDir: join(dataDir, "checkpoints"), log: options.onLog, fallback: new ContainerProcessInvoker() }),
    cache: new LocalCache(join(dataDir, "cache")),
    signals: options.signals,
    children,
    onRecord: options.onRecord,
    abort: options.abort,
  });
  return { ...result, executionName };
}
