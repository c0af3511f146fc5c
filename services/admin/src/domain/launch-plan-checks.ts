import { create } from "@bufbuild/protobuf";
import { ParameterMapSchema, SimpleType, VariableMapSchema, type LiteralType, type Parameter, type ParameterMap, type TypedInterface, type VariableMap } from "@skein/idl";
import type { LaunchPlanSpec, Schedule } from "@skein/idl/admin/v1";
import { assertNever, checkLiteral, cronProblem, describeType, isCastable, isKnownTimeZone, literalFits, noneLiteral } from "@skein/engine";

// Registration checks of a launch plan spec against the interface of the workflow it runs. Every
// problem is collected (none stops the others) and named by its field in the request's spec.

/** What registration derives from a sound spec: the inputs callers may pass, and the outputs. */
export interface LaunchPlanDerivation {
  readonly problems: string[];
  readonly expectedInputs: ParameterMap;
  readonly expectedOutputs: VariableMap;
}

function acceptsNone(type: LiteralType): boolean {
  return literalFits(noneLiteral(), type);
}

function isDatetime(type: LiteralType): boolean {
  const variants = type.type.case === "unionType" ? type.type.value.variants : [type];
  return variants.some((v) => v.type.case === "simple" && v.type.value === SimpleType.DATETIME);
}

function checkSchedule(schedule: Schedule, inputs: VariableMap, fixed: ReadonlySet<string>, expected: ParameterMap, problems: string[]): void {
  const kind = schedule.kind;
  switch (kind.case) {
    case "cron": {
      const problem = cronProblem(kind.value.expression);
      if (problem !== undefined) problems.push(`schedule.cron.expression: "${kind.value.expression}": ${problem}`);
      const zone = kind.value.timeZone;
      if (zone !== "" && !isKnownTimeZone(zone)) problems.push(`schedule.cron.time_zone: unknown time zone "${zone}"`);
      break;
    }
    case "fixedRate":
      if (kind.value.value < 1) problems.push("schedule.fixed_rate.value: must be at least 1");
      break;
    case undefined:
      problems.push("schedule: needs cron or fixed_rate");
      break;
    default:
      assertNever(kind, "schedule kind");
  }
  const kickoff = schedule.kickoffTimeInputArg;
  if (kickoff !== "") {
    const type = inputs.variables[kickoff]?.type;
    if (type === undefined) problems.push(`schedule.kickoff_time_input_arg: the workflow has no input "${kickoff}"`);
    else if (!isDatetime(type)) problems.push(`schedule.kickoff_time_input_arg: input "${kickoff}" is ${describeType(type)}, not a datetime`);
    else if (fixed.has(kickoff)) problems.push(`schedule.kickoff_time_input_arg: input "${kickoff}" is fixed, so it cannot receive the firing time`);
  }
  // A firing passes no inputs but the kickoff time: every other input must be optional.
  for (const [name, parameter] of Object.entries(expected.parameters)) {
    if (name !== kickoff && parameter.behavior.case === "required" && parameter.behavior.value) {
      problems.push(`schedule: input "${name}" is required, but a scheduled execution only passes kickoff_time_input_arg`);
    }
  }
}

/** Checks fixed inputs, default inputs and schedule of `spec` against `workflow` and derives the closure's inputs and outputs. */
export function deriveLaunchPlan(spec: LaunchPlanSpec, workflow: TypedInterface | undefined): LaunchPlanDerivation {
  const problems: string[] = [];
  const inputs = workflow?.inputs ?? create(VariableMapSchema);
  const names = Object.keys(inputs.variables);
  const known = names.length === 0 ? "it has no inputs" : `its inputs: ${names.join(", ")}`;
  const fixed = spec.fixedInputs?.literals ?? {};
  const defaults = spec.defaultInputs?.parameters ?? {};

  for (const [name, literal] of Object.entries(fixed)) {
    const type = inputs.variables[name]?.type;
    if (type === undefined) problems.push(`fixed_inputs.${name}: the workflow has no input "${name}" (${known})`);
    else problems.push(...checkLiteral(literal, type, `fixed_inputs.${name}`));
  }

  const expected: Record<string, Parameter> = {};
  for (const [name, parameter] of Object.entries(defaults)) {
    const variable = inputs.variables[name];
    const type = variable?.type;
    const field = `default_inputs.${name}`;
    if (variable === undefined || type === undefined) {
      problems.push(`${field}: the workflow has no input "${name}" (${known})`);
      continue;
    }
    if (name in fixed) {
      problems.push(`${field}: input "${name}" is both fixed and given a default`);
      continue;
    }
    const declared = parameter.var?.type;
    if (declared !== undefined && !isCastable(declared, type)) {
      problems.push(`${field}.var.type: ${describeType(declared)} does not fit the workflow's input type ${describeType(type)}`);
    }
    const behavior = parameter.behavior;
    if (behavior.case === "default") problems.push(...checkLiteral(behavior.value, type, `${field}.default`));
    const isRequired = behavior.case === "required" && behavior.value;
    if (behavior.case !== "default" && !isRequired && !acceptsNone(type)) {
      problems.push(`${field}: is neither required nor given a default, and the input's type ${describeType(type)} does not accept none`);
    }
    const description = parameter.var?.description === undefined || parameter.var.description === "" ? variable.description : parameter.var.description;
    expected[name] = { ...parameter, var: { ...variable, description } };
  }

  for (const [name, variable] of Object.entries(inputs.variables)) {
    if (name in fixed || name in defaults || variable.type === undefined) continue;
    if (acceptsNone(variable.type)) {
      expected[name] = { $typeName: "skein.core.v1.Parameter", var: variable, behavior: { case: undefined } };
    } else {
      problems.push(`default_inputs: the workflow's input "${name}" (${describeType(variable.type)}) is neither fixed, given a default, nor marked required`);
    }
  }

  const expectedInputs = create(ParameterMapSchema, { parameters: expected });
  if (spec.schedule !== undefined) checkSchedule(spec.schedule, inputs, new Set(Object.keys(fixed)), expectedInputs, problems);
  return { problems, expectedInputs, expectedOutputs: workflow?.outputs ?? create(VariableMapSchema) };
}
