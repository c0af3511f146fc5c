import { describeType, isNoneType } from "@skein/engine";
import type { Literal, LiteralType, VariableMap } from "@skein/idl";
import { fromLiteral, parametersOf, type RunnableEntity } from "@skein/sdk";
import { RUN_OPTIONS_HELP } from "./args.js";
import { formatValue } from "./format.js";

/** One input as the CLI shows and parses it. */
export interface InputInfo {
  readonly name: string;
  readonly type: LiteralType;
  readonly description: string;
  readonly required: boolean;
  readonly defaultValue?: Literal;
}

function outputsOf(entity: RunnableEntity): VariableMap | undefined {
  const template = entity.kind === "launchPlan" ? entity.workflow.template : entity.template;
  return template.interface?.outputs;
}

/** The inputs a caller may set, in declaration order. Fixed launch-plan inputs are not listed. */
export function inputsOf(entity: RunnableEntity): InputInfo[] {
  const template = entity.kind === "launchPlan" ? entity.workflow.template : entity.template;
  const variables = template.interface?.inputs?.variables ?? {};
  const parameters = parametersOf(entity).parameters;
  const fixed = entity.kind === "launchPlan" ? entity.fixed.literals : {};
  const infos: InputInfo[] = [];
  for (const [name, variable] of Object.entries(variables)) {
    if (fixed[name] || !variable.type) continue;
    const behavior = parameters[name]?.behavior;
    const defaultValue = behavior?.case === "default" ? behavior.value : undefined;
    infos.push({ name, type: variable.type, description: variable.description, required: defaultValue === undefined && !acceptsNone(variable.type), defaultValue });
  }
  return infos;
}

function acceptsNone(type: LiteralType): boolean {
  return type.type.case === "unionType" && type.type.value.variants.some((v) => isNoneType(v));
}

export function outputTypes(entity: RunnableEntity): Record<string, LiteralType> {
  const result: Record<string, LiteralType> = {};
  for (const [name, variable] of Object.entries(outputsOf(entity)?.variables ?? {})) if (variable.type) result[name] = variable.type;
  return result;
}

const kindLabel = { task: "task", workflow: "workflow", launchPlan: "launch plan" } as const;

/** `skein run FILE ENTITY --help`: the entity's inputs with types, defaults and descriptions. */
export function entityHelp(file: string, exportName: string, entity: RunnableEntity): string {
  const inputs = inputsOf(entity);
  const lines = [`Usage: skein run ${file} ${exportName} [options]${inputs.length > 0 ? " [inputs]" : ""}`, ""];
  if (entity.description) lines.push(entity.description, "");
  lines.push(`${kindLabel[entity.kind]} "${entity.name}"`, "", "Inputs:");
  if (inputs.length === 0) lines.push("  (none)");
  const flag = (i: InputInfo) => `--${i.name} <${describeType(i.type)}>`;
  const width = Math.max(0, ...inputs.map((i) => flag(i).length));
  for (const input of inputs) {
    const notes: string[] = [];
    if (input.description) notes.push(input.description);
    if (input.defaultValue) notes.push(`(default: ${formatValue(fromLiteral(input.defaultValue, input.type))})`);
    else if (input.required) notes.push("(required)");
    lines.push(`  ${flag(input).padEnd(width)}  ${notes.join(" ")}`.trimEnd());
  }
  const outputs = Object.entries(outputTypes(entity));
  lines.push("", "Outputs:", ...(outputs.length === 0 ? ["  (none)"] : outputs.map(([name, type]) => `  ${name}: ${describeType(type)}`)));
  lines.push("", RUN_OPTIONS_HELP);
  return `${lines.join("\n")}\n`;
}

/** `skein run FILE`: what the file defines. */
export function entityList(file: string, entities: { tasks: Map<string, RunnableEntity>; workflows: Map<string, RunnableEntity>; launchPlans: Map<string, RunnableEntity> }): string {
  const lines = [`${file} defines:`];
  const section = (title: string, map: Map<string, RunnableEntity>, skipDefaultPlans = false) => {
    const unique = [...new Set(map.values())].filter((e) => !skipDefaultPlans || e.kind !== "launchPlan" || e.name !== e.workflow.name);
    if (unique.length === 0) return;
    lines.push("", `${title}:`);
    for (const entity of unique) {
      const signature = inputsOf(entity).map((i) => `${i.name}: ${describeType(i.type)}${i.required ? "" : "?"}`).join(", ");
      const outputs = Object.values(outputTypes(entity)).map((t) => describeType(t)).join(", ");
      lines.push(`  ${entity.name}(${signature})${outputs ? ` -> ${outputs}` : ""}${entity.description ? `  ${entity.description}` : ""}`);
    }
  };
  section("Workflows", entities.workflows);
  section("Tasks", entities.tasks);
  section("Launch plans", entities.launchPlans, true);
  lines.push("", `Run one with: skein run ${file} <name> --help`);
  return `${lines.join("\n")}\n`;
}
