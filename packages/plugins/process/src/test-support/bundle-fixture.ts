import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { clone, create } from "@bufbuild/protobuf";
import { build } from "esbuild";
import { FileBlobStore } from "@skein/blob";
import { LiteralMapSchema, TaskExecutionIdentifierSchema, TaskExecutionPhase, TaskTemplateSchema, type LiteralMap, type TaskTemplate } from "@skein/idl";
import type { BackendPlugin, TaskAttempt, TaskStatus } from "@skein/plugin-core";
import { codeBundle, taskTemplateWithCode, toLiteral, type CodeBundle, type TaskDefinition } from "@skein/sdk";

export const SAMPLE_MODULE = "sample-tasks.mjs";
const source = fileURLToPath(new URL("./sample-tasks.ts", import.meta.url));

/**
 * Bundles sample-tasks.ts as `skein register` does (one ES module, packages left as imports,
 * packed into a deterministic code bundle).
 */
export async function sampleBundle(): Promise<CodeBundle> {
  const result = await build({
    entryPoints: [source],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
  });
  const module = result.outputFiles[0];
  if (!module) throw new Error("esbuild produced no output");
  const manifest = new TextEncoder().encode(`${JSON.stringify({ format: 1, modules: [SAMPLE_MODULE] })}\n`);
  return codeBundle([{ path: SAMPLE_MODULE, content: module.contents }, { path: "skein-bundle.json", content: manifest }]);
}

/** A temporary directory with a file blob store in it; `close` removes both. */
export async function tempWorld(): Promise<{ root: string; store: FileBlobStore; close(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "skein-process-plugin-"));
  return { root, store: new FileBlobStore(join(root, "blobs")), close: () => rm(root, { recursive: true, force: true }) };
}

let executions = 0;

/** A fresh attempt of `task`, with a copy of its template (pointing at `bundleUri` when given). */
export function attemptOf(task: TaskDefinition, values: Record<string, unknown>, bundleUri?: string): TaskAttempt {
  const template: TaskTemplate = bundleUri ? taskTemplateWithCode(task.template, bundleUri, SAMPLE_MODULE) : clone(TaskTemplateSchema, task.template);
  const inputs: LiteralMap = create(LiteralMapSchema);
  for (const [name, value] of Object.entries(values)) {
    const type = template.interface?.inputs?.variables[name]?.type;
    if (!type) throw new Error(`task ${task.name} has no input ${name}`);
    inputs.literals[name] = toLiteral(value, type);
  }
  executions += 1;
  const id = create(TaskExecutionIdentifierSchema, {
    taskId: { project: "p", domain: "d", name: task.name, version: "v1" },
    nodeExecutionId: { nodeId: "n0", executionId: { project: "p", domain: "d", name: `exec-${process.pid}-${executions}` } },
    retryAttempt: 0,
  });
  return { id, template, inputs, outputPrefix: "", signal: new AbortController().signal };
}

const unfinished = new Set([TaskExecutionPhase.QUEUED, TaskExecutionPhase.RUNNING]);

/** Asks `get` until the attempt is neither QUEUED nor RUNNING; the test's timeout bounds the wait. */
export async function settled<State>(plugin: BackendPlugin<State>, attempt: TaskAttempt, state: State): Promise<TaskStatus> {
  for (;;) {
    const status = await plugin.get(attempt, state);
    if (!unfinished.has(status.phase)) return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Asks `get` until the attempt reports `phase`, failing if it settles in another. */
export async function reaches<State>(plugin: BackendPlugin<State>, attempt: TaskAttempt, state: State, phase: TaskExecutionPhase): Promise<TaskStatus> {
  for (;;) {
    const status = await plugin.get(attempt, state);
    if (status.phase === phase) return status;
    if (!unfinished.has(status.phase)) throw new Error(`the attempt ended ${TaskExecutionPhase[status.phase]} instead of reaching ${TaskExecutionPhase[phase]}: ${status.message ?? ""}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
