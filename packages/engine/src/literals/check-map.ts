import { SimpleType, type LiteralMap, type LiteralType, type ParameterMap, type VariableMap } from "@skein/idl";
import { isCastable } from "../types/castable.js";
import { simpleType } from "../types/builders.js";
import { describeType } from "../types/describe-type.js";
import { checkLiteral } from "./check.js";
import { memberPath } from "./path.js";

const noneType = simpleType(SimpleType.NONE);

/** The declared type of one named slot, and whether a value must be supplied for it. */
interface Slot {
  readonly type: LiteralType | undefined;
  readonly required: boolean;
}

/**
 * Every problem of a set of named literals against an interface, all together: names the interface
 * does not declare, required names that are missing, and values that do not fit their types.
 *
 * With a VariableMap (a task's or workflow's inputs) every variable is required unless its type
 * accepts none (an optional). With a ParameterMap (a launch plan's inputs) only parameters marked
 * `required` are; the others have a default or default to none.
 */
export function checkLiteralMap(map: LiteralMap, variables: VariableMap | ParameterMap, path = "inputs"): string[] {
  const problems: string[] = [];
  const values = map.literals;
  for (const name of Object.keys(values)) {
    const value = values[name];
    const slot = slotOf(variables, name);
    if (!slot) {
      problems.push(`${memberPath(path, name)}: unknown name; ${expectedNames(variables)}`);
    } else if (!slot.type) {
      problems.push(`${memberPath(path, name)}: the interface declares no type for it`);
    } else if (value) {
      for (const problem of checkLiteral(value, slot.type, memberPath(path, name))) problems.push(problem);
    }
  }
  for (const name of declaredNames(variables)) {
    if (Object.hasOwn(values, name)) continue;
    const slot = slotOf(variables, name);
    if (slot?.required) {
      problems.push(`${memberPath(path, name)}: expected ${describeType(slot.type)}, got nothing (required input missing)`);
    }
  }
  return problems;
}

function declaredNames(variables: VariableMap | ParameterMap): string[] {
  return Object.keys("variables" in variables ? variables.variables : variables.parameters);
}

function slotOf(variables: VariableMap | ParameterMap, name: string): Slot | undefined {
  if ("variables" in variables) {
    const variable = Object.hasOwn(variables.variables, name) ? variables.variables[name] : undefined;
    if (!variable) return undefined;
    const type = variable.type;
    return { type, required: !type || !isCastable(noneType, type) };
  }
  const parameter = Object.hasOwn(variables.parameters, name) ? variables.parameters[name] : undefined;
  if (!parameter) return undefined;
  const behavior = parameter.behavior;
  return { type: parameter.var?.type, required: behavior.case === "required" && behavior.value };
}

function expectedNames(variables: VariableMap | ParameterMap): string {
  const names = declaredNames(variables);
  return names.length === 0 ? "the interface declares no names" : `expected one of: ${names.sort().join(", ")}`;
}
