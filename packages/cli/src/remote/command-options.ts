import type { Command } from "commander";

/** Where a command leaves its exit code (commander actions return nothing). */
export interface Outcome {
  code: number;
}

const ENDPOINT_HELP = "admin service address (env SKEIN_ENDPOINT, default http://localhost:8088)";
const PROJECT_HELP = "project (env SKEIN_PROJECT, default: default)";
const DOMAIN_HELP = "domain (env SKEIN_DOMAIN, default: development)";

/**
 * Adds `--endpoint` to a command that talks to admin. `skein` itself declares it too, so that it
 * may be written before the command (`skein --endpoint URL get ...`) or after it; read it with
 * endpointFlag.
 */
export function endpointOption(command: Command): Command {
  return command.option("--endpoint <url>", ENDPOINT_HELP);
}

/** Adds `--endpoint`, `--project` and `--domain` to a command. */
export function targetOptions(command: Command): Command {
  return endpointOption(command).option("--project <project>", PROJECT_HELP).option("--domain <domain>", DOMAIN_HELP);
}

/** `--endpoint` given on the command, else before it (`skein --endpoint URL get ...`). */
export function endpointFlag(program: Command, options: { endpoint?: string }): string | undefined {
  return options.endpoint ?? program.opts<{ endpoint?: string }>().endpoint;
}
