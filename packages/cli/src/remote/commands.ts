import type { Command } from "commander";
import { addExecutionOpsCommands } from "../execution-ops/execution-ops-command.js";
import { addGetCommand } from "../get/get-command.js";
import { addLaunchPlanCommand } from "../launchplan/launchplan-command.js";
import { addProjectCommand } from "../project/project-command.js";
import { registerCommand } from "../register/register-command.js";
import { addSignalCommand } from "../signal/signal-command.js";
import type { RemoteIo } from "./action.js";
import { endpointFlag, targetOptions, type Outcome } from "./command-options.js";

/** Adds the commands that talk to admin: register, project, get, terminate, relaunch, recover, launchplan, signal. */
export function addRemoteCommands(program: Command, io: RemoteIo, outcome: Outcome): void {
  targetOptions(
    program
      .command("register")
      .description("bundle the code and register its tasks, workflows and launch plans under one version")
      .argument("<paths...>", ".ts files or directories (searched recursively)"),
  )
    .option("--version <version>", "the version to register under (default: a hash of the code and definitions)")
    .option("--json", "print a machine-readable summary")
    .option("--dry-run", "show what would be registered and the version, without contacting admin")
    .action(async (paths: string[], options: { endpoint?: string; project?: string; domain?: string; version?: string; json?: boolean; dryRun?: boolean }) => {
      outcome.code = await registerCommand(paths, { ...options, endpoint: endpointFlag(program, options) }, io);
    });
  addProjectCommand(program, io, outcome);
  addGetCommand(program, io, outcome);
  addExecutionOpsCommands(program, io, outcome);
  addLaunchPlanCommand(program, io, outcome);
  addSignalCommand(program, io, outcome);
}
