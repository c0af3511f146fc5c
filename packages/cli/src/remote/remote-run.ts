import { resolve } from "node:path";
import { create } from "@bufbuild/protobuf";
import { assertNever } from "@skein/engine";
import { IdentifierSchema, ResourceType, WorkflowExecutionPhase, type Identifier, type Literal } from "@skein/idl";
import { CreateExecutionRequestSchema, type Execution } from "@skein/idl/admin/v1";
import { createAdminClient, type AdminClient, type RunnableEntity } from "@skein/sdk";
import { inputsOf } from "../run/entity-info.js";
import { outputsText } from "../run/outputs-text.js";
import { REMOTE_FLAGS, UsageError, type RunArgs } from "../run/args.js";
import { isValidVersion, prepareRegistration, registerPlan, RegistrationFailed, uploadBundle } from "../register/register-files.js";
import { reportRemoteError } from "./errors.js";
import { isTerminalWorkflowPhase, workflowPhaseName } from "./format.js";
import { ensureProject } from "./project.js";
import { resolveTarget, targetSuffix, type RemoteTarget } from "./target.js";
import { executionConsoleUrl } from "./console-url.js";

export interface RemoteRunIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly abort?: AbortSignal;
}

/** The options of one remote run, gathered from before FILE and, where no input claims them, after ENTITY. */
interface RemoteRunOptions {
  readonly wait: boolean;
  readonly project?: string;
  readonly domain?: string;
  readonly endpoint?: string;
  readonly version?: string;
  readonly clusterLabel?: string;
  readonly name?: string;
}

const EXECUTION_NAME = /^[a-z]([-a-z0-9]{0,62})?$/;

/** Splits the flags after ENTITY into the entity's inputs and remote-run options. */
function splitFlags(args: RunArgs, entity: RunnableEntity): { options: RemoteRunOptions; inputs: Map<string, string | true> } {
  const inputNames = new Set(inputsOf(entity).map((i) => i.name));
  const flags = new Map(args.remoteFlags);
  const inputs = new Map<string, string | true>();
  for (const [name, value] of args.inputs) {
    if (inputNames.has(name) || !REMOTE_FLAGS.has(name)) inputs.set(name, value);
    else if (flags.has(name)) throw new UsageError(`--${name.replaceAll("_", "-")} is given twice`);
    else flags.set(name, value);
  }
  const text = (name: string): string | undefined => {
    const value = flags.get(name);
    if (value === true) throw new UsageError(`--${name.replaceAll("_", "-")} needs a value`);
    return value;
  };
  const wait = flags.get("wait");
  if (wait !== undefined && wait !== true) throw new UsageError(`--wait takes no value (got "${wait}")`);
  const options: RemoteRunOptions = {
    wait: wait === true,
    project: text("project"),
    domain: text("domain"),
    endpoint: text("endpoint"),
    version: text("version"),
    clusterLabel: text("cluster_label"),
    name: text("name"),
  };
  if (options.version !== undefined && !isValidVersion(options.version)) throw new UsageError(`--version: "${options.version}" is not a valid version (1 to 128 of A-Z a-z 0-9 _ . = -)`);
  if (options.name !== undefined && !EXECUTION_NAME.test(options.name)) {
    throw new UsageError(`--name: "${options.name}" is not a valid execution name (a lowercase letter, then up to 62 of a-z 0-9 -)`);
  }
  return { options, inputs };
}

/** The registered thing an execution of `entity` starts: a launch plan (a workflow's default one) or a task. */
function executionTarget(entity: RunnableEntity, target: RemoteTarget, version: string): { case: "launchPlanId" | "taskId"; value: Identifier } {
  const id = (resourceType: ResourceType, name: string) => create(IdentifierSchema, { resourceType, project: target.project, domain: target.domain, name, version });
  switch (entity.kind) {
    case "task":
      return { case: "taskId", value: id(ResourceType.TASK, entity.name) };
    case "workflow":
      return { case: "launchPlanId", value: id(ResourceType.LAUNCH_PLAN, entity.defaultLaunchPlan.name) };
    case "launchPlan":
      return { case: "launchPlanId", value: id(ResourceType.LAUNCH_PLAN, entity.name) };
    default:
      return assertNever(entity);
  }
}

/** How many of the entities a remote run needs were new: `registered 3 entities`, `2 of 3 ...`, `all 3 ... already`. */
function registrationSummary(fresh: number, total: number): string {
  const entities = `${total} ${total === 1 ? "entity" : "entities"}`;
  if (fresh === total) return `registered ${entities}`;
  if (fresh === 0) return `${total === 1 ? "the" : `all ${total}`} ${total === 1 ? "entity was" : "entities were"} already registered`;
  return `registered ${fresh} of ${entities} (the rest were already registered)`;
}

/** Follows WatchExecution until the execution is terminal; returns its last state. */
async function follow(client: AdminClient, execution: Execution, io: RemoteRunIo): Promise<Execution> {
  let last = execution;
  let phase = last.closure?.phase ?? WorkflowExecutionPhase.UNSPECIFIED;
  io.err(`${workflowPhaseName(phase)}\n`);
  for await (const message of client.watchExecution({ id: execution.id }, { signal: io.abort })) {
    if (message.update.case !== "execution") continue;
    last = message.update.value;
    const next = last.closure?.phase ?? WorkflowExecutionPhase.UNSPECIFIED;
    if (next !== phase) io.err(`${workflowPhaseName(next)}${last.closure?.reason ? ` (${last.closure.reason})` : ""}\n`);
    phase = next;
    if (isTerminalWorkflowPhase(phase)) break;
  }
  return last;
}

/**
 * `skein run --remote FILE ENTITY`: registers FILE (as `skein register FILE` does), starts an
 * execution of ENTITY with the inputs parsed by their declared types, and prints its name. With
 * `--wait`, follows it to the end and prints its outputs as a local run does.
 */
export async function remoteRun(args: RunArgs, file: string, entity: RunnableEntity, parseInputs: (flags: ReadonlyMap<string, string | true>) => Record<string, Literal>, io: RemoteRunIo): Promise<number> {
  let target: RemoteTarget | undefined;
  try {
    const { options, inputs: flags } = splitFlags(args, entity);
    const inputs = parseInputs(flags);
    target = resolveTarget(options, io.env);
    const prepared = await prepareRegistration([resolve(file)], options.version);
    const client = createAdminClient(target.endpoint);
    await ensureProject(client, target.project);
    const upload = await uploadBundle(client, target.project, target.domain, prepared.source);
    const results = await registerPlan(client, prepared, target, upload.uri, () => undefined);
    io.err(`${registrationSummary(results.filter((r) => r.status === "registered").length, results.length)} in ${target.project}/${target.domain} under version ${prepared.version}\n`);
    const response = await client.createExecution(
      create(CreateExecutionRequestSchema, {
        project: target.project,
        domain: target.domain,
        name: options.name ?? "",
        target: executionTarget(entity, target, prepared.version),
        inputs: { literals: inputs },
        executionClusterLabel: options.clusterLabel ?? "",
      }),
    );
    const name = response.id?.name ?? "";
    const page = executionConsoleUrl(target.endpoint, target.project, target.domain, name);
    if (!options.wait) {
      io.out(`${name}\n`);
      io.err(`execution ${target.project}/${target.domain}/${name} created; follow it with: skein get execution ${name}${targetSuffix(options)}\n`);
      io.err(`watch it in the console: ${page}\n`);
      return 0;
    }
    io.err(`execution ${target.project}/${target.domain}/${name} created; waiting for it to finish (Ctrl-C stops waiting, not the execution)\n`);
    io.err(`watch it in the console: ${page}\n`);
    const { execution } = await client.getExecution({ id: response.id });
    if (!execution) throw new UsageError(`execution ${name} vanished`);
    const final = await follow(client, execution, io);
    const phase = final.closure?.phase ?? WorkflowExecutionPhase.UNSPECIFIED;
    if (phase !== WorkflowExecutionPhase.SUCCEEDED) {
      const error = final.closure?.result.case === "error" ? final.closure.result.value : undefined;
      io.err(`error: execution ${name} ${workflowPhaseName(phase).toLowerCase()}${error ? `: ${error.code ? `${error.code}: ` : ""}${error.message}` : ""}\n`);
      return 1;
    }
    const data = await client.getExecutionData({ id: response.id });
    io.out(outputsText(entity, data.outputs, args.json));
    return 0;
  } catch (error) {
    if (error instanceof RegistrationFailed) return reportRemoteError(error.failure, io.err, target?.endpoint) === 2 ? 2 : 1;
    if (io.abort?.aborted) {
      io.err("stopped waiting; the execution goes on (skein terminate ID stops it)\n");
      return 130;
    }
    return reportRemoteError(error, io.err, target?.endpoint);
  }
}
