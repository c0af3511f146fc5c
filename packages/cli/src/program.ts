import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { resolveEndpoint } from "@skein/sdk";
import { endpointFlag, endpointOption } from "./remote/command-options.js";
import { addRemoteCommands } from "./remote/commands.js";
import { runCommand } from "./run/run-command.js";
import { sandboxCommand } from "./sandbox/sandbox-command.js";
import { SANDBOX_DEFAULT_DATA_DIR, SANDBOX_DEFAULT_PORT, type SandboxOptions } from "./sandbox/sandbox-config.js";
import { serveCommand, serveFlagHelp, type ServeOptions } from "./serve/serve-command.js";
import { serviceNames } from "./serve/services.js";
import { addCacheCommand } from "./cache/cache-command.js";
import { addClusterCommand } from "./cluster/cluster-command.js";

/** Exit codes: 0 success, 1 the work failed, 2 the command line or an input was invalid. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly errIsTty?: boolean;
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdinIsTty?: boolean;
  /** Aborted on Ctrl-C: a running execution is terminated. */
  readonly abort?: AbortSignal;
}

/** Where a command leaves its exit code (commander actions return nothing). */
interface Outcome {
  code: number;
}

/** Builds the `skein` command. Commands report through `io` so tests can run them in-process. */
export function buildProgram(io: Io, outcome: Outcome = { code: EXIT_OK }): Command {
  const program = new Command("skein")
    .description("Skein: define typed workflows in TypeScript, run them locally or on your clusters.")
    .version(version, "-v, --version", "print the version")
    .option("--endpoint <url>", "admin service address (env SKEIN_ENDPOINT, default http://localhost:8088)")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(run skein --help for usage)")
    .exitOverride()
    // Options before a command belong to skein, after it to the command (`register --version V`).
    .enablePositionalOptions();

  endpointOption(program.command("info").description("print the CLI version, runtime and the admin endpoint it would use"))
    .action((flags: { endpoint?: string }) => {
      const endpoint = resolveEndpoint(endpointFlag(program, flags), io.env);
      io.out(`skein ${version}\nnode ${process.versions.node}\nendpoint ${endpoint}\n`);
    });

  // Listed for help only: `skein run` parses its own arguments (see runCli), since its input flags
  // depend on the entity, known only once the file is loaded.
  program
    .command("run")
    .description("run a workflow, launch plan or task from a TypeScript file on this machine")
    .argument("[file]", "a .ts file that defines tasks and workflows")
    .argument("[entity]", "the workflow, launch plan or task to run");

  program
    .command("serve")
    .description("run one service on its own, against DATABASE_URL or embedded PostgreSQL")
    .argument("<service>", `the service to run: ${serviceNames.join(" | ")}`)
    .option("--host <host>", serveFlagHelp("host"))
    .option("--port <port>", serveFlagHelp("port"))
    .option("--data-dir <dir>", "where embedded state lives (default .skein; env SKEIN_DATA_DIR)")
    .option("--cluster <id>", "propeller: the cluster it executes for (default local-a; env SKEIN_CLUSTER_ID)")
    .option("--labels <k=v,...>", "propeller: the cluster's labels (env SKEIN_CLUSTER_LABELS)")
    .option("--region <region>", "propeller: the cluster's region (default local; env SKEIN_CLUSTER_REGION)")
    .action(async (service: string, options: ServeOptions) => {
      outcome.code = await serveCommand(service, options, { out: io.out, err: io.err, env: io.env, abort: io.abort });
    });

  program
    .command("sandbox")
    .description("run the whole platform in one process: control plane on one port, two local clusters, the examples registered")
    .option("--port <port>", `port of the control plane (default ${SANDBOX_DEFAULT_PORT}; 0 picks a free one)`)
    .option("--data-dir <dir>", `where the sandbox keeps its state between runs (default ${SANDBOX_DEFAULT_DATA_DIR})`)
    .action(async (options: SandboxOptions) => {
      outcome.code = await sandboxCommand(options, { out: io.out, err: io.err, env: io.env, abort: io.abort });
    });

  addRemoteCommands(program, io, outcome);
  addClusterCommand(program, io, outcome);
  addCacheCommand(program, io, outcome);

  return program;
}

/**
 * The arguments of `skein run`, or undefined for any other command. `--endpoint` written before
 * `run` (`skein --endpoint URL run --remote ...`) is passed on as if written after it.
 */
function runArguments(argv: readonly string[]): string[] | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--endpoint") i += 1;
    else if (!arg.startsWith("--endpoint=")) return arg === "run" ? [...argv.slice(0, i), ...argv.slice(i + 1)] : undefined;
  }
  return undefined;
}

/** Runs the CLI and returns its exit code instead of exiting, mapping usage errors to 2. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const run = runArguments(argv);
  if (run !== undefined) {
    try {
      return await runCommand(run, {
        out: io.out,
        err: io.err,
        errIsTty: io.errIsTty ?? false,
        stdin: io.stdin ?? process.stdin,
        stdinIsTty: io.stdinIsTty ?? false,
        abort: io.abort,
        env: io.env,
      });
    } catch (error) {
      io.err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      return EXIT_FAILED;
    }
  }
  const outcome: Outcome = { code: EXIT_OK };
  const program = buildProgram(io, outcome);
  if (argv.length === 0) {
    io.out(program.helpInformation());
    return EXIT_OK;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return outcome.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end through exitOverride with code 0; everything else is a usage error.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof Error && error.name === "EndpointError") {
      io.err(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.err(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILED;
  }
}
