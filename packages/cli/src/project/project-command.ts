import type { Command } from "commander";
import { remoteAction, type RemoteIo } from "../remote/action.js";
import { endpointFlag, endpointOption, type Outcome } from "../remote/command-options.js";

/** `skein project create ID [--name] [--description]`. */
export function addProjectCommand(program: Command, io: RemoteIo, outcome: Outcome): void {
  const project = program.command("project").description("manage projects");
  endpointOption(
    project
      .command("create")
      .description("create a project (every project has all configured domains)")
      .argument("<id>", "the project id: lowercase letters, digits and '-'")
      .option("--name <name>", "display name (default: the id)")
      .option("--description <text>", "what the project is for"),
  ).action(async (id: string, flags: { name?: string; description?: string; endpoint?: string }) => {
    outcome.code = await remoteAction(io, { endpoint: endpointFlag(program, flags) }, async (client) => {
      const { project: created } = await client.registerProject({ project: { id, name: flags.name ?? id, description: flags.description ?? "" } });
      io.out(`created project ${created?.id ?? id} (domains: ${(created?.domains ?? []).map((d) => d.id).join(", ")})\n`);
      return 0;
    });
  });
}
