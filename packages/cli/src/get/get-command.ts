import { create } from "@bufbuild/protobuf";
import { WorkflowExecutionIdentifierSchema } from "@skein/idl";
import type { Command } from "commander";
import { UsageError } from "../run/args.js";
import { remoteAction, type RemoteIo } from "../remote/action.js";
import { endpointFlag, targetOptions, type Outcome } from "../remote/command-options.js";
import { table } from "../remote/table.js";
import { executionDetail, executionJson, executionText } from "./execution-view.js";
import { executionsView, itemJson, launchPlansView, projectsView, tasksView, workflowsView, type ListView } from "./list-views.js";
import { fetchPages, type PageFlags } from "./paging.js";

const views: Record<string, ListView<never>> = {
  projects: projectsView as ListView<never>,
  tasks: tasksView as ListView<never>,
  workflows: workflowsView as ListView<never>,
  "launch-plans": launchPlansView as ListView<never>,
  executions: executionsView as ListView<never>,
};

interface GetFlags extends PageFlags {
  readonly endpoint?: string;
  readonly project?: string;
  readonly domain?: string;
  readonly json?: boolean;
}

/** `skein get projects|tasks|workflows|launch-plans|executions` and `skein get execution ID`. */
export function addGetCommand(program: Command, io: RemoteIo, outcome: Outcome): void {
  targetOptions(
    program
      .command("get")
      .description("list projects, tasks, workflows, launch plans or executions; show one execution with its nodes")
      .argument("<what>", `${Object.keys(views).join(" | ")} | execution`)
      .argument("[id]", "the execution name (for: get execution)"),
  )
    .option("--json", "print JSON instead of a table")
    .option("--limit <n>", "page size, 1 to 1000 (default 100)")
    .option("--token <token>", "continue from the token a previous page printed")
    .option("--all", "fetch every page")
    .action(async (what: string, id: string | undefined, flags: GetFlags) => {
      outcome.code = await remoteAction(io, { ...flags, endpoint: endpointFlag(program, flags) }, async (client, target) => {
        if (what === "execution") {
          if (id === undefined) throw new UsageError("get execution: missing ID (the execution name)");
          const detail = await executionDetail(client, create(WorkflowExecutionIdentifierSchema, { project: target.project, domain: target.domain, name: id }));
          io.out(flags.json ? `${JSON.stringify(executionJson(detail), null, 2)}\n` : executionText(detail));
          return 0;
        }
        const view = views[what];
        if (!view) throw new UsageError(`get: "${what}" is not something to get (${Object.keys(views).join(", ")}, execution)`);
        if (id !== undefined) throw new UsageError(`get ${what}: unexpected argument "${id}"`);
        const page = await fetchPages(flags, (token, limit) => view.fetch(client, target, token, limit));
        if (flags.json) io.out(`${JSON.stringify({ items: page.items.map((item) => itemJson(view, item)), next_token: page.nextToken }, null, 2)}\n`);
        else {
          io.out(page.items.length === 0 ? `no ${what}${what === "projects" ? "" : ` in ${target.project}/${target.domain}`}\n` : table(view.header, page.items.map((item) => view.row(item))));
          if (page.nextToken !== "") io.err(`more: skein get ${what} --token ${page.nextToken} (or --all)\n`);
        }
        return 0;
      });
    });
}
