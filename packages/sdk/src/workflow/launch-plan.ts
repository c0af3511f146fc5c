import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  LaunchPlanTemplateSchema, LiteralMapSchema, ResourceType, SimpleType, TypedInterfaceSchema, VariableMapSchema,
  type Literal, type LiteralType, type VariableMap,
} from "@skein/idl";
import { ConcurrencyBehavior, FixedRateUnit, ScheduleSchema, type Schedule } from "@skein/idl/admin/v1";
import { cronProblem, describeType, isKnownTimeZone } from "@skein/engine";
import type { z } from "zod";
import { checkEntityName, DefinitionError } from "../definition-error.js";
import { timeoutOption, type DurationInput } from "../options.js";
import { LiteralConversionError, toLiteral } from "../types/convert.js";
import { durationOption } from "../types/duration.js";
import { parameterMap, type Shape } from "../types/interface.js";
import { callEntity } from "./call.js";
import type { LaunchPlanDefinition, LaunchPlanExecutionDefaults, WorkflowDefinition } from "./definitions.js";
import type { Outputs } from "./entity.js";

/** When a launch plan runs by itself. `kickoffInput` names a datetime input that receives the firing time. */
export type ScheduleOption =
  | { readonly cron: string; readonly offset?: DurationInput; readonly timeZone?: string; readonly kickoffInput?: string }
  | { readonly every: DurationInput; readonly kickoffInput?: string };

type Values<I extends Shape> = { readonly [K in keyof I]?: z.input<I[K]> };

export interface LaunchPlanOptions<I extends Shape> {
  /** Defaults to the workflow's name (the default launch plan). */
  readonly name?: string;
  readonly description?: string;
  /** Defaults that replace the workflow's; callers may still pass other values. */
  readonly defaults?: Values<I>;
  /** Values callers cannot change. */
  readonly fixed?: Values<I>;
  readonly schedule?: ScheduleOption;
  /**
   * At most `max` unfinished executions of this launch plan (all versions) at a time on the control
   * plane. Beyond it, `"skip"` (the default) refuses the new execution (a schedule firing is
   * skipped); `"queue"` keeps it queued until a slot frees up.
   */
  readonly concurrency?: { readonly max: number; readonly behavior?: "skip" | "queue" };
  /** Run only on clusters carrying this label (`key` or `key=value`); a request may override it. */
  readonly clusterLabel?: string;
  /** Cap on concurrently running task, map and launch-plan nodes of one execution (1–10000). */
  readonly maxParallelism?: number;
  /** Labels every execution of this launch plan carries. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Skip cache lookups and overwrite cached outputs in every execution of this launch plan. */
  readonly overwriteCache?: boolean;
}

const knownOptions = new Set(["name", "description", "defaults", "fixed", "schedule", "concurrency", "clusterLabel", "maxParallelism", "labels", "overwriteCache"]);

/** A launch plan of `workflow`: its inputs with new defaults or fixed values, and an optional schedule. */
export function launchPlan<I extends Shape, O extends Outputs>(workflow: WorkflowDefinition<I, O>, options: LaunchPlanOptions<I> = {}): LaunchPlanDefinition<I, O> {
  if ((workflow as { kind?: unknown } | undefined)?.kind !== "workflow") throw new DefinitionError("launchPlan: the first argument must be a workflow");
  const name = checkEntityName("launch plan", options.name ?? workflow.name);
  const owner = `launch plan "${name}"`;
  for (const key of Object.keys(options)) if (!knownOptions.has(key)) throw new DefinitionError(`${owner}: unknown option "${key}" (options: ${[...knownOptions].join(", ")})`);
  const variables = workflow.interface.inputs?.variables ?? {};
  const fixed = literals(options.fixed ?? {}, workflow, "fixed", owner);
  const defaults = literals(options.defaults ?? {}, workflow, "defaults", owner);
  for (const input of fixed.keys()) if (defaults.has(input)) throw new DefinitionError(`${owner}: input "${input}" is both fixed and given a default`);

  const open = Object.fromEntries(Object.entries(variables).filter(([input]) => !fixed.has(input)));
  const inputs = create(VariableMapSchema, { variables: open });
  const omittable = new Map<string, Literal>();
  for (const input of Object.keys(open)) {
    const value = defaults.get(input) ?? workflow.omittable.get(input);
    if (value) omittable.set(input, value);
  }
  const iface = create(TypedInterfaceSchema, { inputs, outputs: workflow.interface.outputs });
  const template = create(LaunchPlanTemplateSchema, {
    id: { resourceType: ResourceType.LAUNCH_PLAN, name },
    interface: iface,
    fixedInputs: { literals: Object.fromEntries(fixed) },
  });
  const fixedNames = new Set(fixed.keys());
  const definition = ((args: unknown) => callEntity(definition, args, fixedNames)) as unknown as LaunchPlanDefinition<I, O>;
  const properties: Record<string, unknown> = {
    kind: "launchPlan",
    name,
    description: options.description ?? workflow.description,
    workflow,
    template,
    id: template.id,
    interface: iface,
    inputSchemas: Object.fromEntries(Object.entries(workflow.inputSchemas).filter(([input]) => !fixed.has(input))),
    outputSchemas: workflow.outputSchemas,
    singleOutput: workflow.singleOutput,
    omittable,
    defaults: parameterMap(inputs, omittable),
    fixed: create(LiteralMapSchema, { literals: Object.fromEntries(fixed) }),
    schedule: options.schedule === undefined ? undefined : schedule(options.schedule, inputs, owner),
    executionDefaults: executionDefaults(options, owner),
  };
  Object.defineProperties(definition, Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, { value, enumerable: true }])));
  return definition;
}

function literals(values: object, workflow: WorkflowDefinition, side: string, owner: string): Map<string, Literal> {
  const result = new Map<string, Literal>();
  const variables = workflow.interface.inputs?.variables ?? {};
  for (const [input, value] of Object.entries(values)) {
    const type = variables[input]?.type;
    const schema = workflow.inputSchemas[input];
    if (!type || !schema) throw new DefinitionError(`${owner}: ${side}.${input}: workflow "${workflow.name}" has no input "${input}" (inputs: ${Object.keys(variables).join(", ") || "none"})`);
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new DefinitionError(`${owner}: ${side}.${input}: expected ${describeType(type)}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
    }
    result.set(input, literalOf(parsed.data, type, `${owner}: ${side}.${input}`));
  }
  return result;
}

function literalOf(value: unknown, type: LiteralType, path: string): Literal {
  try {
    return toLiteral(value, type, path);
  } catch (error) {
    if (error instanceof LiteralConversionError) throw new DefinitionError(error.message);
    throw error;
  }
}

const units: readonly [number, FixedRateUnit][] = [
  [86_400_000, FixedRateUnit.DAY],
  [3_600_000, FixedRateUnit.HOUR],
  [60_000, FixedRateUnit.MINUTE],
];

function schedule(option: ScheduleOption, inputs: VariableMap, owner: string): Schedule {
  const init: MessageInitShape<typeof ScheduleSchema> = {};
  if ("cron" in option) {
    const problem = cronProblem(option.cron);
    if (problem) throw new DefinitionError(`${owner}: schedule.cron "${option.cron}": ${problem}`);
    if (option.timeZone !== undefined && !isKnownTimeZone(option.timeZone)) throw new DefinitionError(`${owner}: schedule.timeZone: unknown time zone "${option.timeZone}"`);
    const offset = option.offset === undefined ? undefined : timeoutOption(option.offset, `${owner}: schedule.offset`);
    init.kind = { case: "cron", value: { expression: option.cron.trim(), offset, timeZone: option.timeZone ?? "" } };
  } else if ("every" in option) {
    const ms = durationOption(option.every, `${owner}: schedule.every`);
    const unit = units.find(([size]) => ms > 0 && ms % size === 0);
    if (!unit) throw new DefinitionError(`${owner}: schedule.every: must be a whole number of minutes (at least 1), got ${JSON.stringify(option.every)}`);
    init.kind = { case: "fixedRate", value: { value: ms / unit[0], unit: unit[1] } };
  } else {
    throw new DefinitionError(`${owner}: schedule: expected { cron: "..." } or { every: "..." }`);
  }
  if (option.kickoffInput !== undefined) {
    const type = inputs.variables[option.kickoffInput]?.type;
    const variants = type?.type.case === "unionType" ? type.type.value.variants : type ? [type] : [];
    const isDatetime = variants.some((v) => v.type.case === "simple" && v.type.value === SimpleType.DATETIME);
    if (!isDatetime) throw new DefinitionError(`${owner}: schedule.kickoffInput: "${option.kickoffInput}" must be a datetime input the launch plan does not fix`);
    init.kickoffTimeInputArg = option.kickoffInput;
  }
  return create(ScheduleSchema, init);
}

// Kubernetes-style label keys (optional DNS prefix) and values, as the admin contract checks them.
const labelKey = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function executionDefaults(options: LaunchPlanOptions<Shape>, owner: string): LaunchPlanExecutionDefaults {
  const result: { -readonly [K in keyof LaunchPlanExecutionDefaults]: LaunchPlanExecutionDefaults[K] } = {};
  const { concurrency, clusterLabel, maxParallelism, labels, overwriteCache } = options;
  if (concurrency !== undefined) {
    if (!Number.isInteger(concurrency.max) || concurrency.max < 1) throw new DefinitionError(`${owner}: concurrency.max: must be a whole number of at least 1, got ${String(concurrency.max)}`);
    // Checked at run time too: plain JavaScript callers are not held to the declared union.
    const behavior: string = concurrency.behavior ?? "skip";
    if (behavior !== "skip" && behavior !== "queue") throw new DefinitionError(`${owner}: concurrency.behavior: must be "skip" or "queue", got "${behavior}"`);
    result.concurrencyPolicy = { max: concurrency.max, behavior: behavior === "queue" ? ConcurrencyBehavior.QUEUE : ConcurrencyBehavior.SKIP };
  }
  if (clusterLabel !== undefined) {
    const [key = "", value, extra] = clusterLabel.split("=");
    if (extra !== undefined || !labelKey.test(key) || (value !== undefined && !labelValue.test(value))) {
      throw new DefinitionError(`${owner}: clusterLabel: "${clusterLabel}" is not a label key or key=value`);
    }
    result.executionClusterLabel = clusterLabel;
  }
  if (maxParallelism !== undefined) {
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > 10_000) throw new DefinitionError(`${owner}: maxParallelism: must be a whole number from 1 to 10000, got ${String(maxParallelism)}`);
    result.maxParallelism = maxParallelism;
  }
  if (labels !== undefined) {
    for (const [key, value] of Object.entries(labels)) {
      if (!labelKey.test(key)) throw new DefinitionError(`${owner}: labels: "${key}" is not a valid label key`);
      if (!labelValue.test(value)) throw new DefinitionError(`${owner}: labels.${key}: "${value}" is not a valid label value`);
    }
    result.labels = { ...labels };
  }
  if (overwriteCache !== undefined) result.overwriteCache = overwriteCache;
  return result;
}
