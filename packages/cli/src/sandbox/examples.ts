import { existsSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { IdentifierSchema, ResourceType, WorkflowExecutionPhase } from "@skein/idl";
import { CreateExecutionRequestSchema, type Execution } from "@skein/idl/admin/v1";
import { createAdminClient, type AdminClient, type RunnableEntity } from "@skein/sdk";
import { prepareRegistration, registerPlan, uploadBundle, type PreparedRegistration } from "../register/register-files.js";
import { isTerminalWorkflowPhase, workflowPhaseName } from "../remote/format.js";
import { ensureProject } from "../remote/project.js";
import { DEFAULT_DOMAIN, DEFAULT_PROJECT } from "../remote/target.js";
import { outputsText } from "../run/outputs-text.js";
import { parseInputs } from "../run/run-command.js";

// The repository's examples, next to packages/ (the same from src/sandbox and dist/sandbox).
const examplesDir = new URL("../../../../examples/", import.meta.url);
export const helloFile = fileURLToPath(new URL("hello.ts", examplesDir));
export const exampleFiles: readonly string[] = [helloFile, fileURLToPath(new URL("ml-pipeline.ts", examplesDir))];

/** A path as the user would type it from the current directory. */
export function shownPath(file: string): string {
  return relative(process.cwd(), file) || file;
}

/** The examples as registered in the sandbox: the version they share and the client that did it. */
export interface RegisteredExamples {
  readonly client: AdminClient;
  readonly prepared: PreparedRegistration;
  /** How many entities were new to admin, of how many. */
  readonly fresh: number;
  readonly total: number;
}

/**
 * Registers the examples the way `skein register` does (one bundle, one content version) into the
 * default project and domain, creating the project on first use. Registering them again on the
 * next start finds them already there.
 */
export async function registerExamples(url: string): Promise<RegisteredExamples> {
  const missing = exampleFiles.filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`the examples are not where the sandbox expects them: ${missing.join(", ")}`);
  const target = { project: DEFAULT_PROJECT, domain: DEFAULT_DOMAIN };
  const prepared = await prepareRegistration(exampleFiles, undefined);
  const client = createAdminClient(url);
  await ensureProject(client, target.project);
  const upload = await uploadBundle(client, target.project, target.domain, prepared.source);
  const results = await registerPlan(client, prepared, target, upload.uri, () => undefined);
  return { client, prepared, fresh: results.filter((r) => r.status === "registered").length, total: results.length };
}

/** How the hello-world run ended. */
export type HelloOutcome =
  | { readonly kind: "succeeded"; readonly execution: Execution; readonly output: string }
  | { readonly kind: "failed"; readonly execution: Execution; readonly reason: string }
  | { readonly kind: "aborted" };

/** The `wf` workflow of examples/hello.ts, as loaded for registration. */
function helloWorkflow(prepared: PreparedRegistration): RunnableEntity {
  const index = prepared.files.indexOf(helloFile);
  const workflow = prepared.modules[index]?.entities.workflows.get("wf");
  if (workflow === undefined) throw new Error(`${shownPath(helloFile)} defines no workflow "wf"`);
  return workflow;
}

/**
 * Runs hello world (`wf --name world`) through admin, as `skein run --remote` would, and follows
 * it to its end. Stops following (the execution goes on) when `abort` fires.
 */
export async function runHello(examples: RegisteredExamples, abort?: AbortSignal): Promise<HelloOutcome> {
  const { client, prepared } = examples;
  const wf = helloWorkflow(prepared);
  if (wf.kind !== "workflow") throw new Error(`"wf" in ${shownPath(helloFile)} is not a workflow`);
  const launchPlan = create(IdentifierSchema, { resourceType: ResourceType.LAUNCH_PLAN, project: DEFAULT_PROJECT, domain: DEFAULT_DOMAIN, name: wf.defaultLaunchPlan.name, version: prepared.version });
  const response = await client.createExecution(
    create(CreateExecutionRequestSchema, {
      project: DEFAULT_PROJECT,
      domain: DEFAULT_DOMAIN,
      target: { case: "launchPlanId", value: launchPlan },
      inputs: { literals: parseInputs(wf, new Map([["name", "world"]])) },
    }),
  );
  try {
    for await (const message of client.watchExecution({ id: response.id }, { signal: abort })) {
      if (message.update.case === "execution" && isTerminalWorkflowPhase(message.update.value.closure?.phase ?? WorkflowExecutionPhase.UNSPECIFIED)) break;
    }
  } catch (error) {
    if (abort?.aborted) return { kind: "aborted" };
    throw error;
  }
  if (abort?.aborted) return { kind: "aborted" };
  const { execution } = await client.getExecution({ id: response.id });
  if (execution === undefined) throw new Error(`execution ${response.id?.name ?? ""} vanished`);
  const phase = execution.closure?.phase ?? WorkflowExecutionPhase.UNSPECIFIED;
  if (phase !== WorkflowExecutionPhase.SUCCEEDED) {
    const error = execution.closure?.result.case === "error" ? execution.closure.result.value : undefined;
    return { kind: "failed", execution, reason: `${workflowPhaseName(phase).toLowerCase()}${error ? `: ${error.message}` : ""}` };
  }
  const data = await client.getExecutionData({ id: response.id });
  return { kind: "succeeded", execution, output: outputsText(wf, data.outputs, false) };
}
