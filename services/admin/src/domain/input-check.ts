import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { LiteralMapSchema, type LiteralMap, type ParameterMap, type VariableMap } from "@skein/idl";
import { checkLiteralMap } from "@skein/engine";

/** What an execution's target accepts: a launch plan's parameters and fixed inputs, or a task's inputs. */
export type InputContract =
  | { readonly kind: "launch_plan"; readonly expected: ParameterMap; readonly fixed: LiteralMap }
  | { readonly kind: "task"; readonly expected: VariableMap };

/**
 * Checks the caller's inputs against the target and returns the complete inputs: the caller's
 * values, then defaults for what was left out, then the fixed inputs. Every problem (unknown
 * name, missing required input, value of the wrong type, fixed input overridden) is collected and
 * reported in one InvalidArgument, each naming its field as `inputs.<name>`.
 */
export function checkExecutionInputs(userInputs: LiteralMap, contract: InputContract): LiteralMap {
  const problems: string[] = [];
  const fixed = contract.kind === "launch_plan" ? contract.fixed.literals : {};
  const given = Object.fromEntries(Object.entries(userInputs.literals).filter(([name]) => !Object.hasOwn(fixed, name)));
  for (const name of Object.keys(userInputs.literals)) {
    if (Object.hasOwn(fixed, name)) problems.push(`inputs.${name}: is fixed by the launch plan and cannot be overridden`);
  }
  problems.push(...checkLiteralMap(create(LiteralMapSchema, { literals: given }), contract.expected, "inputs"));
  if (problems.length > 0) throw inputProblems(problems);
  const complete: LiteralMap["literals"] = { ...userInputs.literals };
  if (contract.kind === "launch_plan") {
    for (const [name, parameter] of Object.entries(contract.expected.parameters)) {
      if (!Object.hasOwn(complete, name) && parameter.behavior.case === "default") complete[name] = parameter.behavior.value;
    }
    Object.assign(complete, contract.fixed.literals);
  }
  return create(LiteralMapSchema, { literals: complete });
}

/** One InvalidArgument listing every problem, in a stable order. */
export function inputProblems(problems: readonly string[]): ConnectError {
  const sorted = [...problems].sort();
  const head = sorted.length === 1 ? "" : `${sorted.length} problems with the inputs: `;
  return new ConnectError(`${head}${sorted.join("; ")}`, Code.InvalidArgument);
}
