import { ConfigError, type LogSink } from "@skein/server";
import { executionConsoleUrl } from "../remote/console-url.js";
import { startLocalClusters, type LocalClusters } from "./clusters.js";
import { startControlPlane, type ControlPlane } from "./control-plane.js";
import { exampleFiles, helloFile, registerExamples, runHello, shownPath, type HelloOutcome } from "./examples.js";
import { loadSandboxConfig, sandboxClusters, SANDBOX_DEFAULT_PORT, type SandboxConfig, type SandboxOptions } from "./sandbox-config.js";

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

export interface SandboxIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C: the sandbox shuts down. */
  readonly abort?: AbortSignal;
  /** Where the services' log lines go; JSON lines on stderr by default (errors only, unless SKEIN_LOG_LEVEL asks for more). */
  readonly logSink?: LogSink;
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => { resolve(); }, { once: true });
  });
}

function describeStorage(config: SandboxConfig): string {
  return config.admin.databaseUrl !== undefined
    ? "PostgreSQL at DATABASE_URL"
    : `embedded PostgreSQL under ${config.admin.dataDir} (the first start takes a few seconds)`;
}

/** What to try from another terminal; `--endpoint` only when the CLI's default would miss the sandbox. */
function usageHints(url: string, hello: HelloOutcome & { kind: "succeeded" }): string {
  const endpoint = new URL(url).port === String(SANDBOX_DEFAULT_PORT) ? "" : ` --endpoint ${url}`;
  const file = shownPath(helloFile);
  const name = hello.execution.id?.name ?? "ID";
  return [
    "",
    "The sandbox is running. From another terminal in this directory, try:",
    `  npx skein run --remote${endpoint} ${file} wf --name Ada --wait`,
    `  npx skein run --remote${endpoint} ${file} wf --name Ada --cluster-label gpu --wait    (runs on local-b)`,
    `  npx skein cluster list${endpoint}`,
    `  npx skein get execution ${name}${endpoint}`,
    "Press Ctrl-C to stop it; its state stays for the next start.",
    "",
  ].join("\n");
}

/**
 * `skein sandbox`: the whole platform in this process. Admin, datacatalog and the cluster router
 * serve on one port; two local clusters (`local-a`, `local-b`) run their propellers here too;
 * embedded PostgreSQL under the data directory unless DATABASE_URL is set. Registers the examples,
 * runs hello world through admin, then serves until `io.abort` fires and shuts down in order:
 * clusters, then the server, then the databases.
 *
 * Returns 0 after a clean stop, 1 when starting or the hello-world run failed, 2 for a bad flag.
 */
export async function sandboxCommand(options: SandboxOptions, io: SandboxIo): Promise<number> {
  let config: SandboxConfig;
  try {
    config = loadSandboxConfig(options, io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`error: sandbox: ${error.message}\n`);
    return EXIT_USAGE;
  }
  io.out(`starting the sandbox: ${describeStorage(config)}\n`);
  if (config.admin.redisUrl !== undefined) io.out("note: REDIS_URL is not needed by the sandbox (one process, so wake-ups stay in-process) and is not used\n");
  let plane: ControlPlane;
  try {
    plane = await startControlPlane(config, io.logSink);
  } catch (error) {
    io.err(`error: sandbox: ${startFailure(error, config)}\n`);
    return EXIT_FAILED;
  }
  io.out(`admin, datacatalog and the cluster router serving Connect, gRPC and gRPC-Web on ${plane.url} (database: ${plane.databaseKind})\n`);
  let clusters: LocalClusters | undefined;
  let code = EXIT_OK;
  try {
    // Ctrl-C during a step ends the start after that step.
    if (!io.abort?.aborted) {
      clusters = await startLocalClusters(plane.url, config.admin.dataDir, io.env, {
        logSink: io.logSink,
        onStarted: (cluster) => { io.out(`cluster ${cluster.id} running (region ${cluster.region}, labels ${cluster.labels})\n`); },
      });
    }
    if (!io.abort?.aborted) code = await demonstrate(plane.url, io);
  } catch (error) {
    io.err(`error: sandbox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    code = EXIT_FAILED;
  }
  io.out(`stopping: ${sandboxClusters.map((c) => c.id).join(" and ")}, then the control plane\n`);
  await clusters?.close();
  await plane.close();
  io.out("sandbox stopped\n");
  return code;
}

/** Registers the examples, runs hello world and, if it worked, serves until aborted. */
async function demonstrate(url: string, io: SandboxIo): Promise<number> {
  io.out(`registering ${exampleFiles.map(shownPath).join(" and ")}\n`);
  const examples = await registerExamples(url);
  const { fresh, total } = examples;
  io.out(`${fresh === 0 ? `all ${total} entities were already registered` : `registered ${fresh} of ${total} entities`} in default/development under version ${examples.prepared.version}\n`);
  io.out(`running hello world on a cluster: ${shownPath(helloFile)} wf --name world\n`);
  const hello = await runHello(examples, io.abort);
  switch (hello.kind) {
    case "aborted":
      return EXIT_OK;
    case "failed":
      io.err(`error: sandbox: hello world ${hello.execution.id?.name ?? ""} ${hello.reason} (on cluster ${hello.execution.closure?.cluster || "-"})\n`);
      return EXIT_FAILED;
    case "succeeded": {
      const id = hello.execution.id;
      io.out(hello.output);
      io.out(`execution ${id?.project ?? ""}/${id?.domain ?? ""}/${id?.name ?? ""} ran on cluster ${hello.execution.closure?.cluster || "-"}\n`);
      io.out(`see it in the console: ${executionConsoleUrl(url, id?.project ?? "", id?.domain ?? "", id?.name ?? "")}\n`);
      io.out(usageHints(url, hello));
      await untilAborted(io.abort);
      return EXIT_OK;
    }
  }
}

/** Why the control plane did not start, in the user's terms where a cause is common. */
function startFailure(error: unknown, config: SandboxConfig): string {
  if ((error as { code?: unknown } | null)?.code === "EADDRINUSE") return `port ${config.admin.port} is in use (another sandbox or skein serve?); stop it or pass --port`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
