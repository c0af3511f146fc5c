import type { TaskTemplate, TypedInterface } from "@skein/idl";
import { ErrorSink, type CompileError, type ErrorLocation } from "./compile-error.js";
import { retryProblems, timeoutProblem } from "./metadata-checks.js";
import { identifierKey, isValidVariableName } from "./names.js";

const taskTypePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** Checks a task template on its own; an empty list means it is sound. */
export function compileTask(task: TaskTemplate): CompileError[] {
  const sink = new ErrorSink("");
  checkTask(task, sink);
  return sink.errors;
}

/** Reports the problems of a task template into `sink`, located by the task's key. */
export function checkTask(task: TaskTemplate, sink: ErrorSink, key = identifierKey(task.id)): void {
  const at: ErrorLocation = { task: key || "<no id>" };
  if (!task.id) sink.add("INVALID_TASK", at, "the task has no id");
  if (task.type === "") sink.add("INVALID_TASK", at, "the task has no type");
  else if (!taskTypePattern.test(task.type)) sink.add("INVALID_TASK", at, `"${task.type}" is not a valid task type`);
  checkInterface(task.interface, sink, at);

  const metadata = task.metadata;
  if (!metadata) return;
  if (metadata.discoverable && metadata.discoveryVersion === "") {
    sink.add("INVALID_CACHE_SETTINGS", at, "the task is cached (discoverable) but has no discovery_version");
  }
  const inputs = task.interface?.inputs?.variables ?? {};
  for (const name of metadata.cacheIgnoreInputVars) {
    if (!(name in inputs)) {
      sink.add("INVALID_CACHE_SETTINGS", { ...at, input: name }, "cache_ignore_input_vars names an input the task does not declare");
    }
  }
  const timeout = timeoutProblem(metadata.timeout);
  if (timeout) sink.add("INVALID_TASK", at, timeout);
  if (metadata.retries) for (const problem of retryProblems(metadata.retries)) sink.add("INVALID_RETRY_STRATEGY", at, problem);
}

/** Variable names must be valid identifiers and every variable needs a type. */
export function checkInterface(iface: TypedInterface | undefined, sink: ErrorSink, at: ErrorLocation): void {
  const sides = [
    ["input", iface?.inputs?.variables ?? {}],
    ["output", iface?.outputs?.variables ?? {}],
  ] as const;
  for (const [side, variables] of sides) {
    for (const [name, variable] of Object.entries(variables)) {
      const where = side === "input" ? { ...at, input: name } : { ...at, output: name };
      if (!isValidVariableName(name)) {
        sink.add("INVALID_INTERFACE", where, `"${name}" is not a valid ${side} name (a letter or _, then letters, digits or _; at most 63)`);
      }
      if (!variable.type?.type.case) sink.add("INVALID_INTERFACE", where, `the ${side} has no type`);
    }
  }
}
