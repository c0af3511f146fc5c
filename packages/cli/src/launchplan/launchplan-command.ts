import type { Command } from "commander";
import { ResourceType } from "@skein/idl";
import { LaunchPlanState } from "@skein/idl/admin/v1";
import { remoteAction, type RemoteIo } from "../remote/action.js";
import { endpointFlag, targetOptions, type Outcome } from "../remote/command-options.js";

interface PlanFlags {
  readonly endpoint?: string;
  readonly project?: string;
  readonly domain?: string;
  readonly version: string;
}

/** `skein launchplan activate|deactivate NAME --version V`. */
export function addLaunchPlanCommand(program: Command, io: RemoteIo, outcome: Outcome): void {
  const launchplan = program.command("launchplan").description("activate or deactivate launch plan versions (schedules run only while active)");
  for (const [verb, state] of [["activate", LaunchPlanState.ACTIVE], ["deactivate", LaunchPlanState.INACTIVE]] as const) {
    targetOptions(
      launchplan
        .command(verb)
        .description(verb === "activate" ? "make a version the active one of its name (deactivating the previous)" : "deactivate a version")
        .argument("<name>", "the launch plan name"),
    )
      .requiredOption("--version <version>", "the launch plan version")
      .action(async (name: string, flags: PlanFlags) => {
        outcome.code = await remoteAction(io, { ...flags, endpoint: endpointFlag(program, flags) }, async (client, target) => {
          await client.updateLaunchPlan({ id: { resourceType: ResourceType.LAUNCH_PLAN, project: target.project, domain: target.domain, name, version: flags.version }, state });
          io.out(`launch plan ${name}@${flags.version} is ${verb === "activate" ? "active" : "inactive"}\n`);
          return 0;
        });
      });
  }
}
