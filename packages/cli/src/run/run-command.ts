import { relative } from "node:path";
import { describeType, type EngineRecord } from "@skein/engine";
import { NodeExecutionPhase, SimpleType, WorkflowExecutionPhase, type ExecutionError, type Literal } from "@skein/idl";
import { collectEntities, InputError, LiteralConversionError, parseCliValue, runLocally, type RunnableEntity } from "@skein/sdk";
import { parseRunArgs, REMOTE_RUN_OPTIONS_HELP, RUN_OPTIONS_HELP, UsageError } from "./args.js";
import { entityHelp, entityList, inputsOf } from "./entity-info.js";
import { loadUserModule, ModuleLoadError } from "./load-module.js";
import { nodeLabels } from "./node-labels.js";
import { outputsText } from "./outputs-text.js";
import { liveProgress, plainProgress, type ProgressView } from "./progress.js";
import { remoteRun } from "../remote/remote-run.js";
import { cliSignals } from "./signals.js";

/** What `skein run` needs from its surroundings; tests pass their own. */
export interface RunIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly errIsTty: boolean;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdinIsTty: boolean;
  readonly abort?: AbortSignal;
  /** The environment remote runs read SKEIN_ENDPOINT, SKEIN_PROJECT and SKEIN_DOMAIN from. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const RUN_USAGE = `Usage: skein run FILE [ENTITY] [options] [--INPUT VALUE ...]

Runs a workflow, launch plan or task from a TypeScript file on this machine, with the same engine
a cluster uses. Without ENTITY, lists what FILE defines. With ENTITY --help, lists its inputs.

${RUN_OPTIONS_HELP}

${REMOTE_RUN_OPTIONS_HELP}
`;

function findEntity(entities: ReturnType<typeof collectEntities>, name: string): RunnableEntity | undefined {
  return entities.workflows.get(name) ?? entities.tasks.get(name) ?? entities.launchPlans.get(name);
}

/** Parses every input flag against the entity's interface; all problems are reported together. */
export function parseInputs(entity: RunnableEntity, flags: ReadonlyMap<string, string | true>): Record<string, Literal> {
  const inputs = inputsOf(entity);
  const known = new Map(inputs.map((i) => [i.name, i]));
  const problems: string[] = [];
  const literals: Record<string, Literal> = {};
  for (const [name, raw] of flags) {
    const input = known.get(name);
    if (!input) {
      problems.push(`--${name}: not an input of ${entity.name} (inputs: ${inputs.map((i) => `--${i.name}`).join(", ") || "none"})`);
      continue;
    }
    if (raw === true && !(input.type.type.case === "simple" && input.type.type.value === SimpleType.BOOLEAN)) {
      problems.push(`--${name}: needs a value (${describeType(input.type)})`);
      continue;
    }
    try {
      literals[name] = parseCliValue(raw === true ? "true" : raw, input.type, name);
    } catch (error) {
      if (error instanceof LiteralConversionError) problems.push(error.message);
      else throw error;
    }
  }
  for (const input of inputs) {
    if (input.required && !flags.has(input.name)) problems.push(`--${input.name}: required input is missing`);
  }
  if (problems.length > 0) throw new InputError(`${entity.kind === "launchPlan" ? "launch plan" : entity.kind} "${entity.name}"`, problems);
  return literals;
}

interface Failure {
  node: string;
  attempt: number;
  error: ExecutionError;
}

function describeFailure(entity: RunnableEntity, failure: Failure | undefined, error: ExecutionError | undefined): string {
  const source = failure?.error ?? error;
  const where = failure ? ` at node ${failure.node} (attempt ${failure.attempt + 1})` : "";
  const message = source ? `${source.code ? `${source.code}: ` : ""}${source.message}` : "no error recorded";
  // The stack's first line repeats the error's name and message, already on the line above.
  const frames = (source?.stack ?? "").split("\n").filter((line, i) => line !== "" && (i > 0 || !line.includes(source?.message ?? "")));
  const stack = frames.length > 0 ? `\n${frames.join("\n")}` : "";
  return `error: ${entity.kind === "launchPlan" ? "launch plan" : entity.kind} "${entity.name}" failed${where}: ${message}${stack}\n`;
}

/** `skein run`; returns the exit code (0 success, 1 the run failed, 2 bad command line or inputs). */
export async function runCommand(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const args = parseRunArgs(argv);
    if (!args.file) {
      if (args.help) {
        io.out(RUN_USAGE);
        return 0;
      }
      throw new UsageError("missing FILE (a .ts file that defines tasks and workflows)");
    }
    const entities = collectEntities(await loadUserModule(args.file));
    const shownFile = relative(process.cwd(), args.file) || args.file;
    if (!args.entity) {
      io.out(entityList(shownFile, entities));
      return 0;
    }
    const entity = findEntity(entities, args.entity);
    if (!entity) {
      const names = [...new Set([...entities.workflows.values(), ...entities.tasks.values()].map((e) => e.name))].sort();
      throw new UsageError(`${shownFile} defines no task, workflow or launch plan named "${args.entity}" (found: ${names.join(", ") || "none"})`);
    }
    if (args.help) {
      io.out(entityHelp(shownFile, args.entity, entity));
      return 0;
    }
    if (args.remote) return await remoteRun(args, args.file, entity, (flags) => parseInputs(entity, flags), { out: io.out, err: io.err, env: io.env ?? {}, abort: io.abort });
    if (args.remoteFlags.size > 0) throw new UsageError(`--${[...args.remoteFlags.keys()][0]?.replaceAll("_", "-") ?? ""} before FILE is an option of remote runs: add --remote`);
    const inputs = parseInputs(entity, args.inputs);
    let progress: ProgressView | undefined;
    const label = nodeLabels(entity);
    if (!args.json) progress = io.errIsTty ? liveProgress(io.err, { label }) : plainProgress(io.err, { label });
    let failure: Failure | undefined;
    const onRecord = (record: EngineRecord) => {
      progress?.record(record);
      if (record.type === "node" && record.error && (record.phase === NodeExecutionPhase.FAILED || record.phase === NodeExecutionPhase.TIMED_OUT)) {
        failure ??= { node: record.node, attempt: record.attempt, error: record.error };
      }
    };
    const result = await runLocally(entity, inputs, {
      dataDir: args.dataDir,
      overwriteCache: args.overwriteCache,
      signals: cliSignals(args.signals, { input: io.stdin, output: process.stderr, interactive: io.stdinIsTty }),
      onRecord,
      onLog: (node, message) => {
        if (!args.json) io.err(`[${node}] ${message}\n`);
      },
      abort: io.abort,
    });
    progress?.close();
    if (result.phase !== WorkflowExecutionPhase.SUCCEEDED) {
      io.err(describeFailure(entity, failure, result.error));
      return result.phase === WorkflowExecutionPhase.ABORTED ? 130 : 1;
    }
    io.out(outputsText(entity, result.outputs, args.json));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputError || (error instanceof ModuleLoadError && error.usage)) {
      io.err(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Error && (error.name === "CompileErrors" || error.name === "DefinitionError" || error instanceof ModuleLoadError)) {
      io.err(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
