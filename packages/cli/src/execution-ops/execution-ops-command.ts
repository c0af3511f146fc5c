import type { Command } from "commander";
import { remoteAction, type RemoteIo } from "../remote/action.js";
import { endpointFlag, targetOptions, type Outcome } from "../remote/command-options.js";
import { targetSuffix } from "../remote/target.js";

interface OpFlags {
  readonly endpoint?: string;
  readonly project?: string;
  readonly domain?: string;
  readonly cause?: string;
  readonly name?: string;
  readonly overwriteCache?: boolean;
}

/** `skein terminate ID [--cause]`, `skein relaunch ID [--name] [--overwrite-cache]`, `skein recover ID [--name]`. */
export function addExecutionOpsCommands(program: Command, io: RemoteIo, outcome: Outcome): void {
  targetOptions(program.command("terminate").description("stop a running execution").argument("<id>", "the execution name"))
    .option("--cause <text>", "why it is being stopped (recorded with the execution)")
    .action(async (name: string, flags: OpFlags) => {
      outcome.code = await remoteAction(io, { ...flags, endpoint: endpointFlag(program, flags) }, async (client, target) => {
        await client.terminateExecution({ id: { project: target.project, domain: target.domain, name }, cause: flags.cause ?? "terminated from the skein CLI" });
        io.out(`terminating ${name}; follow it with: skein get execution ${name}${targetSuffix(flags)}\n`);
        return 0;
      });
    });
  const rerun = (verb: "relaunch" | "recover", description: string) => {
    const command = targetOptions(program.command(verb).description(description).argument("<id>", "the execution name"));
    command.option("--name <name>", "name of the new execution (default: chosen by admin)");
    // Recovery reuses outputs on purpose; only a relaunch may choose to recompute cached ones.
    if (verb === "relaunch") command.option("--overwrite-cache", "run cached tasks again and replace their cache entries");
    command.action(async (name: string, flags: OpFlags) => {
      outcome.code = await remoteAction(io, { ...flags, endpoint: endpointFlag(program, flags) }, async (client, target) => {
        const request = { id: { project: target.project, domain: target.domain, name }, name: flags.name ?? "" };
        const { id } = verb === "relaunch" ? await client.relaunchExecution({ ...request, overwriteCache: flags.overwriteCache ?? false }) : await client.recoverExecution(request);
        const created = id?.name ?? "";
        io.out(`${created}\n`);
        io.err(`${verb === "relaunch" ? "relaunched" : "recovering"} ${name} as ${created}; follow it with: skein get execution ${created}${targetSuffix(flags)}\n`);
        return 0;
      });
    });
  };
  rerun("relaunch", "run an execution again with the same inputs");
  rerun("recover", "run a failed execution again, reusing the outputs of the nodes that succeeded");
}
