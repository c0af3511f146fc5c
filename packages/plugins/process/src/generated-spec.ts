import type { DynamicJobSpec, TaskTemplate } from "@skein/idl";
import { CODE_BUNDLE_CONFIG_KEY, CODE_MODULE_CONFIG_KEY, dynamicSpecWithIdentity } from "@skein/sdk";

/**
 * The graph a dynamic task built (its futures.pb), made runnable on this cluster by filling in
 * what only the running task's template knows.
 *
 * Inside a task process the SDK builds the spec from the definitions it loaded: identifiers with
 * empty project, domain and version, and templates without a code location (registration adds
 * both, and this process was never registered). The generated tasks come from the code that just
 * ran, so the dynamic task's template supplies both:
 * - empty parts of every identifier (nodes' task references, task and sub-workflow ids) become the
 *   dynamic task's project, domain and version, so generated tasks are named, cached and reported
 *   like the registered tasks of the same version;
 * - a generated task of the dynamic task's type that has no code bundle and no container command
 *   (one this plugin could not run) gets the dynamic task's `skein.code.bundle` and
 *   `skein.code.module`: the task is in that module's output, and the SDK fails the dynamic
 *   attempt (naming the task) when the module does not export it, so a worker finds it there.
 *
 * Done here rather than by looking the tasks up in admin: the spec is complete when it leaves the
 * plugin, whatever registered (or did not) the tasks a dynamic body calls, and a repeated `get`
 * derives the same spec from the same files. Templates that already say where their code is are
 * left as they are.
 */
export function generatedSpec(spec: DynamicJobSpec, running: TaskTemplate): DynamicJobSpec {
  const id = running.id;
  // A copy, also when there is nothing to fill: the caller's spec is left as it was.
  const filled = dynamicSpecWithIdentity(spec, { project: id?.project ?? "", domain: id?.domain ?? "", version: id?.version ?? "" });
  const bundle = running.config[CODE_BUNDLE_CONFIG_KEY];
  const module = running.config[CODE_MODULE_CONFIG_KEY];
  if (!bundle || !module) return filled;
  for (const task of filled.tasks) {
    if (task.type !== running.type || task.config[CODE_BUNDLE_CONFIG_KEY] || hasCommand(task)) continue;
    task.config[CODE_BUNDLE_CONFIG_KEY] = bundle;
    task.config[CODE_MODULE_CONFIG_KEY] = module;
  }
  return filled;
}

function hasCommand(task: TaskTemplate): boolean {
  return task.target.case === "container" && task.target.value.command.length > 0;
}
